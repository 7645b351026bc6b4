import { redirect } from '@sveltejs/kit';
import { failAction, formErrors } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { createSession } from '$lib/server/auth';
import { setSessionCookie } from '$lib/server/auth';
import { acceptInvitation, invitationProblem, lookUpInvitation } from '$lib/server/orgs';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const { db } = await getRuntime();
	const found = await lookUpInvitation(db.sql, params.token);
	if (found.state !== 'valid') return { problem: invitationProblem(found.state), invitation: null };
	const { invitation } = found;
	return {
		problem: null,
		invitation: { email: invitation.email, role: invitation.role, organizationName: invitation.organizationName }
	};
};

export const actions: Actions = {
	default: async ({ params, request, cookies }) => {
		const { db } = await getRuntime();
		const form = await request.formData();
		const result = await acceptInvitation(db.sql, params.token, {
			name: form.get('name'),
			password: form.get('password'),
			title: form.get('title')
		});
		if (!result.ok) return failAction(result.error, { errors: formErrors(result.error), name: String(form.get('name') ?? '') });
		const { token, session } = await createSession(db.sql, result.value.userId);
		setSessionCookie(cookies, token, session.expiresAt);
		redirect(303, '/mous');
	}
};
