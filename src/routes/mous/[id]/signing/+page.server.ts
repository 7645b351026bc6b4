import { error } from '@sveltejs/kit';
import { failAction, formErrors } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { readMouPage } from '$lib/server/mou-page';
import { requireUserForAction } from '$lib/server/auth';
import { loadSigningOverview, voidRequest } from '$lib/server/signing';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	event.depends('mou:status');
	const { found: overview } = await readMouPage(event, loadSigningOverview);
	return { overview, sent: event.url.searchParams.get('sent') === '1' };
};

export const actions: Actions = {
	void: async ({ locals, params, request, url, getClientAddress }) => {
		const user = requireUserForAction(locals);
		const runtime = await getRuntime();
		const form = await request.formData();
		const reason = String(form.get('reason') ?? '').slice(0, 2000);
		const result = await voidRequest(
			{ sql: runtime.db.sql, mailer: runtime.mailer, origin: url.origin, collab: runtime.collab },
			user,
			params.id,
			{ reason },
			{ ipAddress: getClientAddress(), userAgent: request.headers.get('user-agent') ?? '' }
		);
		if (!result) error(404, 'No such MOU.');
		if (!result.ok) return failAction(result.error, { voidErrors: formErrors(result.error), reason });
		return { voided: true };
	}
};
