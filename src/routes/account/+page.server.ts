import { redirect } from '@sveltejs/kit';
import { failAction, formErrors } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { createSession } from '$lib/server/auth';
import { setSessionCookie } from '$lib/server/auth';
import { requireUser, requireUserForAction } from '$lib/server/auth';
import { changePassword, requestEmailChange, sendVerification } from '$lib/server/accounts';
import { getNotificationChoices, setNotificationChoices } from '$lib/server/mail';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	return {
		account: { name: user.name, email: user.email, emailVerified: user.emailVerified },
		notifications: await getNotificationChoices(db.sql, user.id),
		passwordChanged: url.searchParams.has('password-changed')
	};
};

async function deps(url: URL) {
	const { db, mailer } = await getRuntime();
	return { sql: db.sql, mailer, origin: url.origin };
}

export const actions: Actions = {
	resend: async ({ locals, url }) => {
		const user = requireUserForAction(locals);
		const result = await sendVerification(await deps(url), user.id);
		if (!result.ok) return failAction(result.error, { form: 'resend' });
		return { form: 'resend', sentTo: result.value.email };
	},
	email: async ({ locals, request, url }) => {
		const user = requireUserForAction(locals);
		const form = await request.formData();
		const result = await requestEmailChange(await deps(url), user, { email: form.get('email'), password: form.get('emailPassword') });
		if (!result.ok) return failAction(result.error, { form: 'email', errors: formErrors(result.error), email: String(form.get('email') ?? '') });
		return { form: 'email', sentTo: result.value.email };
	},
	notifications: async ({ locals, request }) => {
		const user = requireUserForAction(locals);
		const form = await request.formData();
		const { db } = await getRuntime();
		await setNotificationChoices(db.sql, user.id, form.getAll('event'));
		return { form: 'notifications', saved: true };
	},
	password: async ({ locals, request, cookies }) => {
		const user = requireUserForAction(locals);
		const form = await request.formData();
		const { db } = await getRuntime();
		const result = await changePassword(db.sql, user, { currentPassword: form.get('currentPassword'), password: form.get('password') });
		if (!result.ok) return failAction(result.error, { form: 'password', errors: formErrors(result.error) });
		// Every session ended, this one included; this browser starts a new one.
		const { token, session } = await createSession(db.sql, user.id);
		setSessionCookie(cookies, token, session.expiresAt);
		redirect(303, '/account?password-changed');
	}
};
