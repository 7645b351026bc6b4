import { failAction } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { confirmEmail, lookUpConfirmation } from '$lib/server/accounts';
import type { Actions, PageServerLoad } from './$types';

/** Opening the link only shows a button: a mail scanner following it confirms nothing. */
export const load: PageServerLoad = async ({ params }) => {
	const { db } = await getRuntime();
	return { link: await lookUpConfirmation(db.sql, params.token) };
};

export const actions: Actions = {
	default: async ({ params, url }) => {
		const { db, mailer } = await getRuntime();
		const result = await confirmEmail({ sql: db.sql, mailer, origin: url.origin }, params.token);
		if (!result.ok) return failAction(result.error);
		return { confirmed: result.value.email, changed: result.value.changedFrom !== null };
	}
};
