import { redirect } from '@sveltejs/kit';
import { failAction, formErrors } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { createSession } from '$lib/server/auth';
import { setSessionCookie } from '$lib/server/auth';
import { signUpWithOrganization } from '$lib/server/orgs';
import { sendVerification } from '$lib/server/accounts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.user) redirect(303, '/mous');
};

export const actions: Actions = {
	default: async ({ request, cookies, url }) => {
		const { db, mailer } = await getRuntime();
		const form = Object.fromEntries(await request.formData());
		const result = await signUpWithOrganization(db.sql, {
			name: form.name,
			email: form.email,
			password: form.password,
			organizationName: form.organizationName,
			organizationKind: form.organizationKind,
			role: form.role,
			title: form.title,
			timeZone: form.timeZone
		});
		if (!result.ok) {
			const { password: _omit, ...values } = form;
			return failAction(result.error, { errors: formErrors(result.error), values: values as Record<string, string> });
		}
		// Signed in at once, but unconfirmed until they follow the link mailed to the address.
		await sendVerification({ sql: db.sql, mailer, origin: url.origin }, result.value.userId);
		const { token, session } = await createSession(db.sql, result.value.userId);
		setSessionCookie(cookies, token, session.expiresAt);
		redirect(303, '/mous');
	}
};
