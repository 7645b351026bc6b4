import { readMouPage } from '$lib/server/mou-page';
import { exportChoices } from '$lib/server/export';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	event.depends('mou:history', 'mou:status');
	const { found: choices } = await readMouPage(event, exportChoices);
	return {
		mou: { id: choices.access.mou.id, title: choices.access.mou.title, status: choices.access.mou.status },
		versions: choices.versions,
		redline: choices.redline,
		signed: choices.signed
	};
};
