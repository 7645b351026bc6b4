import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth/require';
import { listOutbox } from '$lib/server/mail';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	if (!user.isAdmin) error(403, 'Only administrators can read the outbox.');
	const { db, config } = await getRuntime();
	const messages = await listOutbox(db.sql, user.organizationId);
	return {
		smtp: Boolean(config.smtpUrl),
		messages: messages.map(({ textBody: _t, htmlBody: _h, ...m }) => m)
	};
};
