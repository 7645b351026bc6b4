import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth';
import { listInbox } from '$lib/server/mail';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const { db, config } = await getRuntime();
	const smtp = Boolean(config.smtpUrl);
	const messages = await listInbox(db.sql, { userId: user.id, email: user.email, emailVerified: user.emailVerified, smtp });
	return { smtp, emailVerified: user.emailVerified, email: user.email, messages };
};
