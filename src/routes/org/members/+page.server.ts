import { error } from '@sveltejs/kit';
import { failAction } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { requireUser, requireUserForAction } from '$lib/server/auth';
import { changeMember, listMembers, removeMember } from '$lib/server/orgs';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	if (!user.isAdmin) error(403, 'Only administrators can manage members.');
	const { db } = await getRuntime();
	return { members: await listMembers(db.sql, user.organizationId), me: user.id, organizationName: user.organizationName };
};

async function deps() {
	const runtime = await getRuntime();
	// Every instance re-judges that person's open websockets at once (collab's refreshAccess).
	return { sql: runtime.db.sql, onAccessChanged: (userId: string) => runtime.refreshAccess(userId) };
}

export const actions: Actions = {
	change: async ({ locals, request }) => {
		const user = requireUserForAction(locals);
		const form = await request.formData();
		const userId = String(form.get('userId') ?? '');
		const result = await changeMember(await deps(), user, { userId, role: form.get('role'), isAdmin: form.get('isAdmin') });
		if (!result.ok) return failAction(result.error, { userId });
		return { userId, changed: result.value.name };
	},
	remove: async ({ locals, request }) => {
		const user = requireUserForAction(locals);
		const form = await request.formData();
		const userId = String(form.get('userId') ?? '');
		const result = await removeMember(await deps(), user, { userId });
		if (!result.ok) return failAction(result.error, { userId });
		return { userId, removed: result.value.name };
	}
};
