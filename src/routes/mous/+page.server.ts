import { redirect } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { failAction } from '$lib/server/respond';
import { requireUser, requireUserForAction } from '$lib/server/auth';
import { listMySignatures, setCeremonyCookie, signFromDashboard } from '$lib/server/signing';
import { listMous } from '$lib/server/mous';
import { can } from '$lib/mou/lifecycle';
import { byUrgency, reviewOverview } from '$lib/server/reminders';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const [mous, signatures] = await Promise.all([listMous(db.sql, user), listMySignatures(db.sql, user)]);
	// Review dates are read in each MOU's district calendar, as of now.
	const overview = await reviewOverview(
		db.sql,
		mous.map((m) => m.id),
		new Date()
	);
	return {
		mous: byUrgency(mous, overview).map((mou) => ({ ...mou, review: overview.get(mou.id) ?? null })),
		canCreate: can(user, 'createMou'),
		signatures
	};
};

export const actions: Actions = {
	/** "Sign now": straight into the ceremony, the account standing in for the emailed code. */
	signNow: async ({ locals, request, url, cookies, getClientAddress }) => {
		const user = requireUserForAction(locals);
		const runtime = await getRuntime();
		const form = await request.formData();
		const result = await signFromDashboard(
			{ sql: runtime.db.sql, mailer: runtime.mailer, origin: url.origin, collab: runtime.collab },
			user,
			form.get('signerId'),
			{ ipAddress: getClientAddress(), userAgent: request.headers.get('user-agent') ?? '', user }
		);
		if (!result.ok) return failAction(result.error);
		setCeremonyCookie(cookies, result.value.token, result.value.ceremony.ceremonyToken, result.value.ceremony.expiresAt);
		redirect(303, result.value.path);
	}
};
