import { redirect } from '@sveltejs/kit';
import { failAction, formErrors } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { lookUpReset, resetPassword } from '$lib/server/accounts';
import { deleteSessionCookie } from '$lib/server/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const { db } = await getRuntime();
	return { link: await lookUpReset(db.sql, params.token) };
};

export const actions: Actions = {
	default: async ({ params, request, cookies }) => {
		const { db } = await getRuntime();
		const form = await request.formData();
		const result = await resetPassword({ sql: db.sql }, params.token, { password: form.get('password') });
		if (!result.ok) return failAction(result.error, { errors: formErrors(result.error) });
		// Every session of the account ended, so this browser's (if any) too.
		deleteSessionCookie(cookies);
		redirect(303, '/login?reset=done');
	}
};
