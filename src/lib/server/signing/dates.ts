/**
 * Calendar dates in a time zone, without a date library: what day it is for the district, the
 * instant a day ends there, and adding months to a day.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export { isValidTimeZone } from '$lib/dates/format';

/** YYYY-MM-DD of the instant in the zone. */
export function dayIn(at: Date, zone: string): string {
	const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
	const get = (type: string) => parts.find((p) => p.type === type)!.value;
	return `${get('year')}-${get('month')}-${get('day')}`;
}

/** A real calendar date written YYYY-MM-DD, or null. */
export function parseDay(value: string): { year: number; month: number; day: number } | null {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	if (!match) return null;
	const [year, month, day] = match.slice(1).map(Number);
	const date = new Date(Date.UTC(year, month - 1, day));
	if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
	return { year, month, day };
}

/** The day `months` months later; the 31st becomes the last day of a shorter month. */
export function addMonths(day: string, months: number): string {
	const d = parseDay(day)!;
	const index = d.year * 12 + (d.month - 1) + months;
	const year = Math.floor(index / 12);
	const month = (index % 12) + 1;
	const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
	return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d.day, last)).padStart(2, '0')}`;
}

/** How far the zone's wall clock is ahead of UTC at that instant, in ms. */
function zoneOffset(at: Date, zone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: zone,
		hourCycle: 'h23',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		second: 'numeric'
	}).formatToParts(at);
	const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
	const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant the day begins in the zone (daylight-saving changes included). */
export function startOfDayIn(day: string, zone: string): Date {
	const d = parseDay(day)!;
	const guess = Date.UTC(d.year, d.month - 1, d.day);
	let instant = guess - zoneOffset(new Date(guess), zone);
	instant = guess - zoneOffset(new Date(instant), zone);
	return new Date(instant);
}

/** The last millisecond of the day in the zone. */
export function endOfDayIn(day: string, zone: string): Date {
	const d = parseDay(day)!;
	const next = new Date(Date.UTC(d.year, d.month - 1, d.day) + DAY_MS);
	return new Date(startOfDayIn(next.toISOString().slice(0, 10), zone).getTime() - 1);
}
