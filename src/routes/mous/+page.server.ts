import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth/require';
import { listMous } from '$lib/server/mous';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	return { mous: await listMous(db.sql, user), canCreate: user.role === 'counsel' || user.isAdmin };
};
