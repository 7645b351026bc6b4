import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth';
import { listDeliveries } from '$lib/server/mail';
import type { PageServerLoad } from './$types';

/** Delivery status only: what mail says belongs to whoever it is addressed to (their Inbox). */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	if (!user.isAdmin) error(403, 'Only administrators can see the delivery of mail sent for the organization.');
	const { db, config } = await getRuntime();
	return { smtp: Boolean(config.smtpUrl), messages: await listDeliveries(db.sql, user.organizationId) };
};
