import { formatDay as formatDayIn } from '$lib/dates/format';

/** "February 14, 2027" in the organization's time zone (UTC when the zone is unknown): the app's one format. */
export function formatDay(at: Date, timeZone: string): string {
	return formatDayIn(at, timeZone);
}
