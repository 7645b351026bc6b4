import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth/require';
import { findOutboxMessage } from '$lib/server/mail';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const user = requireUser(locals, url);
	if (!user.isAdmin) error(403, 'Only administrators can read the outbox.');
	const { db } = await getRuntime();
	const message = UUID.test(params.id) ? await findOutboxMessage(db.sql, user.organizationId, params.id) : null;
	if (!message) error(404, 'No such email.');
	const { htmlBody: _h, ...rest } = message;
	return { message: rest };
};
