import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth';
import { getMouAccess } from '$lib/server/mous';
import { templateDataJson } from '$lib/server/profiles';
import type { RequestHandler } from './$types';

/**
 * The template the MOU is judged against (its profile applied), its checklist and its state
 * profile: 65 KB that never change for a given key. The MOU page has them in its first,
 * server-rendered answer; a tab that arrives by client-side navigation fetches them here once
 * (+page.ts), and no reload of the page's data carries them. Only for people who may open the MOU.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const access = await getMouAccess(db.sql, user, params.id);
	if (!access) error(404, 'No such MOU.');
	return new Response(templateDataJson(access.mou), { headers: { 'content-type': 'application/json' } });
};
