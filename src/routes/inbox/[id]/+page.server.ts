import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth';
import { findInboxMessage } from '$lib/server/mail';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const user = requireUser(locals, url);
	const { db, config } = await getRuntime();
	const reader = { userId: user.id, email: user.email, emailVerified: user.emailVerified, smtp: Boolean(config.smtpUrl) };
	// Anyone else's message is simply not there, administrators included.
	const message = UUID.test(params.id) ? await findInboxMessage(db.sql, reader, params.id) : null;
	if (!message) error(404, 'No such email.');
	return { message: { id: message.id, subject: message.subject, toAddress: message.toAddress, createdAt: message.createdAt, textBody: message.textBody } };
};
