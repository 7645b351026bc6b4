import { error, fail, redirect } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser, requireUserForAction } from '$lib/server/auth/require';
import { createMou } from '$lib/server/mous';
import { can } from '$lib/mou/lifecycle';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	const user = requireUser(locals, url);
	if (!can(user, 'createMou')) error(403, 'Only counsel or an administrator can start an MOU.');
	return { organizationName: user.organizationName };
};

export const actions: Actions = {
	default: async ({ locals, request }) => {
		const user = requireUserForAction(locals);
		const { db } = await getRuntime();
		const form = await request.formData();
		const result = await createMou(db.sql, user, { title: form.get('title') });
		if (!result.ok) return fail(can(user, 'createMou') ? 400 : 403, { errors: result.errors, title: String(form.get('title') ?? '') });
		redirect(303, `/mous/${result.value.id}`);
	}
};
