import { formatDay } from '$lib/dates/format';
/**
 * Calendar dates ('YYYY-MM-DD', no time zone) and wall-clock times in IANA zones, with nothing but
 * Intl: a due date is a day in the district's calendar, a reminder is sent at an hour of that day.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** A real IANA zone this runtime knows ('UTC' included; bare abbreviations like 'EST' are not zones people choose). */
export function isTimeZone(value: unknown): value is string {
	if (typeof value !== 'string' || value.length === 0 || value.length > 64) return false;
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: value });
	} catch {
		return false;
	}
	return value === 'UTC' || value.includes('/');
}

/** The first of the zones that is real, else UTC. */
export function zoneOrUtc(...candidates: Array<string | null | undefined>): string {
	return candidates.find((zone) => isTimeZone(zone)) ?? 'UTC';
}

export function isIsoDate(value: unknown): value is string {
	if (typeof value !== 'string') return false;
	const match = ISO_DATE.exec(value);
	if (!match) return false;
	const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const date = new Date(Date.UTC(y, m - 1, d));
	return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function parts(iso: string): [number, number, number] {
	const match = ISO_DATE.exec(iso);
	if (!match) throw new Error(`Not a date: ${iso}`);
	return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function fromUtcDay(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

function utcDay(iso: string): number {
	const [y, m, d] = parts(iso);
	return Date.UTC(y, m - 1, d);
}

export function addDays(iso: string, days: number): string {
	return fromUtcDay(utcDay(iso) + days * DAY_MS);
}

/** Whole months later; a day the month lacks becomes its last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(iso: string, months: number): string {
	const [y, m, d] = parts(iso);
	const monthIndex = y * 12 + (m - 1) + months;
	const year = Math.floor(monthIndex / 12);
	const month = monthIndex - year * 12;
	const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
	return fromUtcDay(Date.UTC(year, month, Math.min(d, lastDay)));
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
	return Math.round((utcDay(to) - utcDay(from)) / DAY_MS);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit'
		});
		formatters.set(timeZone, f);
	}
	return f;
}

/** The wall-clock reading of an instant in a zone, as if that reading were UTC (ms). */
function wallClock(instant: number, timeZone: string): number {
	const fields: Record<string, number> = {};
	for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
		if (part.type !== 'literal') fields[part.type] = Number(part.value);
	}
	return Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
}

/** The zone's offset from UTC at an instant, in ms (Chicago in winter: −6 h). */
function offsetAt(instant: number, timeZone: string): number {
	const whole = Math.floor(instant / 1000) * 1000;
	return wallClock(whole, timeZone) - whole;
}

/** The calendar day an instant falls on in a zone. */
export function localDate(instant: Date, timeZone: string): string {
	return fromUtcDay(wallClock(instant.getTime(), timeZone));
}

/**
 * The instant a zone's clocks read `hour`:00 on a day. Across a change of offset the offset in
 * force at that moment counts; a time skipped by a spring-forward gap is read with the offset from
 * before the change, which lands it just after the gap (as a wall clock does).
 */
export function zonedInstant(iso: string, hour: number, timeZone: string): Date {
	const wall = utcDay(iso) + hour * 3_600_000;
	const first = wall - offsetAt(wall, timeZone);
	const second = wall - offsetAt(first, timeZone);
	if (first === second) return new Date(first);
	// The two guesses disagree near a change of offset: keep the one whose wall clock reads right,
	// or in a gap (neither does) the later one.
	if (wallClock(second, timeZone) === wall) return new Date(second);
	if (wallClock(first, timeZone) === wall) return new Date(first);
	return new Date(Math.max(first, second));
}

/** "August 1, 2028" for a calendar date. */
export function formatLongDate(iso: string): string {
	return formatDay(iso);
}
