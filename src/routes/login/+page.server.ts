import { redirect } from '@sveltejs/kit';
import { appError } from '$lib/errors';
import { failAction } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { createSession, returnPath, setSessionCookie, signIn } from '$lib/server/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, returnPath(url.searchParams.get('redirectTo'), url));
};

export const actions: Actions = {
	default: async ({ request, cookies, getClientAddress, url }) => {
		const { db } = await getRuntime();
		const form = await request.formData();
		const email = String(form.get('email') ?? '');
		const password = String(form.get('password') ?? '');
		if (!email || !password) return failAction(appError('invalid_input', 'Enter your email and password.'), { email });
		const result = await signIn(db.sql, email, password, getClientAddress());
		if (!result.ok) return failAction(result.error, { email });
		const { token, session } = await createSession(db.sql, result.value.userId);
		setSessionCookie(cookies, token, session.expiresAt);
		redirect(303, returnPath(url.searchParams.get('redirectTo'), url));
	}
};
