import { getRuntime } from '$lib/server/runtime';
import { getMouAccess } from '$lib/server/mous';
import { mouZone } from '$lib/mou/zone';
import type { LayoutServerLoad } from './$types';

/** Every page about an MOU writes its dates in the district's zone. Strangers get nothing here; the page answers 404. */
export const load: LayoutServerLoad = async ({ locals, params }) => {
	if (!locals.user) return {};
	const { db } = await getRuntime();
	const access = await getMouAccess(db.sql, locals.user, params.id);
	return access ? { zone: mouZone(access.mou.parties, locals.user.timeZone) } : {};
};
