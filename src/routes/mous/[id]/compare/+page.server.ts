import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth/require';
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
	if (!result.ok) error(result.status, result.message);
	const { access, ...page } = result.page;
	return { mou: access.mou, side: access.side, ...page };
};
