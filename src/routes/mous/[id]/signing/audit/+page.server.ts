import { error } from '@sveltejs/kit';
import { readMouPage } from '$lib/server/mou-page';
import { loadAuditTrail } from '$lib/server/signing';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	event.depends('mou:status');
	const { found: trail } = await readMouPage(event, loadAuditTrail);
	if (trail === 'forbidden') error(403, 'Only counsel of the parties can read the signing audit trail.');
	return { trail };
};
