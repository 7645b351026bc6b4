import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth';
import { listMyReminders, listOrganizationReminders } from '$lib/server/reminders';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const { db, config } = await getRuntime();
	const [mine, organization] = await Promise.all([listMyReminders(db.sql, user), listOrganizationReminders(db.sql, user)]);
	return {
		mine,
		organization,
		organizationName: user.organizationName,
		smtp: Boolean(config.smtpUrl),
		problems: organization?.filter((r) => r.status === 'failed' || r.status === 'sending').length ?? 0
	};
};
