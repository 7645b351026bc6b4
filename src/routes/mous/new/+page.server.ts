import { error, redirect } from '@sveltejs/kit';
import { failAction, formErrors } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { requireUser, requireUserForAction } from '$lib/server/auth';
import { createMou } from '$lib/server/mous';
import { can } from '$lib/mou/lifecycle';
import { loadTemplate } from '$lib/server/templates';
import { profileChoices } from '$lib/server/profiles';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	const user = requireUser(locals, url);
	if (!can(user, 'createMou')) error(403, 'Only counsel or an administrator can start an MOU.');
	const template = loadTemplate();
	return { organizationName: user.organizationName, templateVersion: template.version, states: profileChoices(template) };
};

export const actions: Actions = {
	default: async ({ locals, request }) => {
		const user = requireUserForAction(locals);
		const { db } = await getRuntime();
		const form = await request.formData();
		const result = await createMou(db.sql, user, { title: form.get('title'), state: form.get('state') ?? undefined });
		if (!result.ok)
			return failAction(result.error, { errors: formErrors(result.error), title: String(form.get('title') ?? ''), state: String(form.get('state') ?? 'none') });
		redirect(303, `/mous/${result.value.id}`);
	}
};
