import { error, redirect } from '@sveltejs/kit';
import { failAction, formErrors } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { readMouPage } from '$lib/server/mou-page';
import { requireUserForAction } from '$lib/server/auth';
import { eligibleMembers, loadSigningOverview, parsePrepareForm, prefillDraft, sendForSignature, MAX_RECIPIENTS, MAX_SIGNERS } from '$lib/server/signing';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { sql, found: overview } = await readMouPage(event, loadSigningOverview);
	return {
		overview,
		draft: overview.prepareProblem ? null : await prefillDraft({ sql }, event.params.id),
		/** Who may sign for each party: the form chooses among them. */
		options: overview.prepareProblem ? { agency: [], district: [] } : await eligibleMembers(sql, event.params.id),
		limits: { signers: MAX_SIGNERS, recipients: MAX_RECIPIENTS }
	};
};

export const actions: Actions = {
	send: async ({ locals, params, request, url, getClientAddress }) => {
		const user = requireUserForAction(locals);
		const runtime = await getRuntime();
		const draft = parsePrepareForm(await request.formData());
		const result = await sendForSignature({ sql: runtime.db.sql, mailer: runtime.mailer, origin: url.origin, collab: runtime.collab }, user, params.id, draft, {
			ipAddress: getClientAddress(),
			userAgent: request.headers.get('user-agent') ?? ''
		});
		if (!result) error(404, 'No such MOU.');
		if (!result.ok) return failAction(result.error, { errors: formErrors(result.error), draft: result.draft ?? draft });
		// Access codes are shown once, here; without any, the status page is the next step.
		if (result.value.accessCodes.length === 0) redirect(303, `/mous/${params.id}/signing?sent=1`);
		return { sent: result.value };
	}
};
