import { getRuntime } from '$lib/server/runtime';
import { confirmPublicComment } from '$lib/server/publication';
import type { Actions, PageServerLoad } from './$types';

// A mail scanner fetching the link must not confirm it: the page asks, a button POSTs.
export const load: PageServerLoad = ({ params }) => ({ slug: params.slug });

export const actions: Actions = {
	default: async ({ params }) => {
		const { db } = await getRuntime();
		return { confirmed: await confirmPublicComment(db.sql, params.token) };
	}
};
