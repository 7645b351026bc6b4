import { getRuntime } from '$lib/server/runtime';
import { failRequest } from '$lib/server/respond';
import { requireUser } from '$lib/server/auth';
import { loadComparison } from '$lib/server/compare';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url, depends }) => {
	const user = requireUser(locals, url);
	// A new round or the agreed version adds to the lists (the lead's live notices).
	depends('mou:history');
	const { db } = await getRuntime();
	// An empty select value ("from=") means the default, like a missing one.
	const param = (name: string) => url.searchParams.get(name) || null;
	const result = await loadComparison(db.sql, user, params.id, { from: param('from'), to: param('to') });
	if (!result.ok) failRequest(result.error);
	const { access, ...page } = result.value;
	return { mou: access.mou, side: access.side, ...page };
};
