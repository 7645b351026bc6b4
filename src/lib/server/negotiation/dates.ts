/** "14 Feb 2027" in the organization's time zone (UTC when the zone is unknown to this runtime). */
export function formatDay(at: Date, timeZone: string): string {
	const options: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };
	try {
		return new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).format(at);
	} catch {
		return new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(at);
	}
}
