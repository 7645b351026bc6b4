import { error, fail } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser, requireUserForAction } from '$lib/server/auth/require';
import { getMouAccess, inviteParty, listPartyInvitations } from '$lib/server/mous';
import { loadTemplate, loadChecklist } from '$lib/server/templates';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const access = await getMouAccess(db.sql, user, params.id);
	if (!access) error(404, 'No such MOU.');
	return {
		mou: access.mou,
		side: access.side,
		canEdit: access.canEdit,
		canInviteParty: access.canInviteParty,
		partyInvitations: access.canInviteParty ? await listPartyInvitations(db.sql, access.mou.id) : [],
		me: { id: user.id, name: user.name, role: user.role },
		template: loadTemplate(access.mou.templateId, access.mou.templateVersion),
		checklist: loadChecklist(access.mou.templateId, access.mou.templateVersion)
	};
};

export const actions: Actions = {
	inviteParty: async ({ locals, params, request, url }) => {
		const user = requireUserForAction(locals);
		const { db, mailer } = await getRuntime();
		const form = await request.formData();
		const result = await inviteParty({ sql: db.sql, mailer, origin: url.origin }, user, params.id, { email: form.get('email') });
		if (!result) error(404, 'No such MOU.');
		if (!result.ok) return fail(400, { errors: result.errors, email: String(form.get('email') ?? '') });
		return { invited: result.value.email };
	}
};
