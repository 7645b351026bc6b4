import { error, json } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth';
import { getMouAccess } from '$lib/server/mous';
import { loadChecklist } from '$lib/server/templates';
import { mouProfile, mouTemplate } from '$lib/server/profiles';
import { templateKey } from '$lib/templates/key';
import type { RequestHandler } from './$types';

/**
 * The template the MOU is judged against (its profile applied), its checklist and its state
 * profile: 65 KB that never change for a given key, so the MOU page fetches them once per tab
 * (+page.ts) instead of with every reload of its data. Only for people who may open the MOU.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const access = await getMouAccess(db.sql, user, params.id);
	if (!access) error(404, 'No such MOU.');
	const { mou } = access;
	return json({
		key: templateKey(mou),
		template: mouTemplate(mou),
		profile: mouProfile(mou),
		checklist: loadChecklist(mou.templateId, mou.templateVersion)
	});
};
