import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth/require';
import { listMous } from '$lib/server/mous';
import { can } from '$lib/mou/lifecycle';
import { byUrgency, reviewOverview } from '$lib/server/reminders';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const mous = await listMous(db.sql, user);
	// Review dates are read in each MOU's district calendar, as of now.
	const overview = await reviewOverview(
		db.sql,
		mous.map((m) => m.id),
		new Date()
	);
	return {
		mous: byUrgency(mous, overview).map((mou) => ({ ...mou, review: overview.get(mou.id) ?? null })),
		canCreate: can(user, 'createMou')
	};
};
