import { error, redirect } from '@sveltejs/kit';
import { failAction, formErrors } from '$lib/server/respond';
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
		if (!result.ok) return failAction(result.error, { errors: formErrors(result.error), title: String(form.get('title') ?? '') });
		redirect(303, `/mous/${result.value.id}`);
	}
};
