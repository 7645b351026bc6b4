/**
 * How MOU Studio writes dates and times: one format, read in one time zone — the district's
 * (where the SRO program runs), else the reader's organization's, else UTC. Works in the browser
 * and on the server, so a page and the email about it say the same thing.
 *
 *   instant  → "December 16, 2026 at 11:59 PM CST"
 *   day      → "December 16, 2026"
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(kind: 'instant' | 'day', zone: string): Intl.DateTimeFormat {
	const key = `${kind}|${zone}`;
	let f = formatters.get(key);
	if (!f) {
		f =
			kind === 'instant'
				? new Intl.DateTimeFormat('en-US', {
						year: 'numeric',
						month: 'long',
						day: 'numeric',
						hour: 'numeric',
						minute: '2-digit',
						timeZone: zone,
						timeZoneName: 'short'
					})
				: new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: zone });
		formatters.set(key, f);
	}
	return f;
}

export function isValidTimeZone(zone: unknown): zone is string {
	if (typeof zone !== 'string' || !zone) return false;
	try {
		formatter('day', zone);
		return true;
	} catch {
		return false;
	}
}

/** The first valid IANA zone among the candidates, else UTC. */
export function pickZone(...candidates: unknown[]): string {
	return (candidates.find(isValidTimeZone) as string | undefined) ?? 'UTC';
}

function toDate(value: Date | string | number): Date | null {
	const date = value instanceof Date ? value : new Date(value);
	return Number.isNaN(date.getTime()) ? null : date;
}

/** "December 16, 2026 at 11:59 PM CST"; "—" for nothing, the text as given when it is not a time. */
export function formatWhen(value: Date | string | number | null | undefined, zone: string): string {
	if (value === null || value === undefined || value === '') return '—';
	const date = toDate(value);
	if (!date) return String(value);
	return formatter('instant', pickZone(zone)).format(date);
}

const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * "December 16, 2026". A calendar day (YYYY-MM-DD) is written as is (it has no zone); an instant
 * is written as the day it falls on in the zone.
 */
export function formatDay(value: Date | string | null | undefined, zone = 'UTC'): string {
	if (value === null || value === undefined || value === '') return '—';
	const day = typeof value === 'string' ? CALENDAR_DAY.exec(value) : null;
	if (day) return formatter('day', 'UTC').format(new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))));
	const date = toDate(value);
	if (!date) return String(value);
	return formatter('day', pickZone(zone)).format(date);
}
