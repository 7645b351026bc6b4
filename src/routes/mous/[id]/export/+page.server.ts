import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth';
import { exportChoices } from '$lib/server/export';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url, depends }) => {
	depends('mou:history', 'mou:status');
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const choices = await exportChoices(db.sql, user, params.id);
	if (!choices) error(404, 'No such MOU.');
	return {
		mou: { id: choices.access.mou.id, title: choices.access.mou.title, status: choices.access.mou.status },
		versions: choices.versions,
		redline: choices.redline,
		signed: choices.signed
	};
};
