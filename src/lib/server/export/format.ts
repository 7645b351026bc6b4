/**
 * How exported files write dates, names and file names. Times are UTC and say so: a signed MOU
 * is read in several time zones and in court, and the certificate must not depend on the reader's.
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function parse(value: string | Date): Date | null {
	const date = value instanceof Date ? value : new Date(value);
	return Number.isNaN(date.getTime()) ? null : date;
}

/** "2026-03-03 14:05:12 UTC"; the text as given when it is not a time. */
export function utcTime(value: string | Date | null | undefined): string {
	if (value === null || value === undefined || value === '') return '—';
	const date = parse(value);
	return date ? `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC` : String(value);
}

/** "March 3, 2026" for a calendar date (YYYY-MM-DD) or a time (its UTC day). */
export function longDate(value: string | Date | null | undefined): string {
	if (value === null || value === undefined || value === '') return '—';
	const day = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
	if (day) return `${MONTHS[Number(day[2]) - 1]} ${Number(day[3])}, ${day[1]}`;
	const date = parse(value);
	return date ? `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}` : String(value);
}

/** A file name part from a title: ASCII letters, digits and hyphens, never empty. */
export function slug(text: string, fallback = 'mou'): string {
	const cleaned = text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/, '');
	return cleaned || fallback;
}
