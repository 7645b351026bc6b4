import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { isSameOriginPost, requireUserForAction } from '$lib/server/auth';
import { recordVisit } from '$lib/server/visits';
import type { RequestHandler } from './$types';

/**
 * Posted by the MOU page when the person leaves it (or hides the tab): what is there now has been
 * seen. Only from our own pages (`isSameOriginPost`).
 */
export const POST: RequestHandler = async ({ locals, params, request, url }) => {
	if (!isSameOriginPost(request, url)) error(403, 'Cross-site visits are not recorded.');
	const user = requireUserForAction(locals);
	const { db } = await getRuntime();
	if (!(await recordVisit(db.sql, user, params.id))) error(404, 'No such MOU.');
	return new Response(null, { status: 204 });
};
