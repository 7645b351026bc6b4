import { failAction, formErrors } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { requestPasswordReset } from '$lib/server/accounts';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async ({ request, url, getClientAddress }) => {
		const { db, mailer } = await getRuntime();
		const form = await request.formData();
		const email = String(form.get('email') ?? '').slice(0, 254);
		const result = await requestPasswordReset({ sql: db.sql, mailer, origin: url.origin }, { email }, getClientAddress());
		if (!result.ok) return failAction(result.error, { errors: formErrors(result.error), email });
		// The same answer whether or not an account uses the address.
		return { sent: result.value.message };
	}
};
