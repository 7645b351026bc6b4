import { redirect } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { invalidateSession } from '$lib/server/auth';
import { deleteSessionCookie } from '$lib/server/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies }) => {
		if (locals.sessionId) {
			const { db } = await getRuntime();
			await invalidateSession(db.sql, locals.sessionId);
		}
		deleteSessionCookie(cookies);
		redirect(303, '/login');
	}
};
