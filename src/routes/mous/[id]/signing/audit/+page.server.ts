import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth';
import { loadAuditTrail } from '$lib/server/signing';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url, depends }) => {
	depends('mou:status');
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const trail = await loadAuditTrail(db.sql, user, params.id);
	if (!trail) error(404, 'No such MOU.');
	if (trail === 'forbidden') error(403, 'Only counsel of the parties can read the signing audit trail.');
	return { trail };
};
