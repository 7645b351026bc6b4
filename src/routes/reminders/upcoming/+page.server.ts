import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth';
import { upcomingReminders } from '$lib/server/reminders';
import type { PageServerLoad } from './$types';

/** Administrators: what the reminder job will send next, to whom, and when in each person's zone. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const upcoming = await upcomingReminders(db.sql, user);
	if (!upcoming) error(403, 'Only administrators can see upcoming reminders.');
	return { upcoming, organizationName: user.organizationName };
};
