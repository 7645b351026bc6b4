import type { TemplateTerm, TermValues } from './types';

/**
 * Fill-in term rules, shared by the form in the browser and the server that refuses bad values.
 * Values are the strings people type; messages name the field so they read well on their own.
 */

const TEXT_MAX = 300;
const LONGTEXT_MAX = 4000;
const MONEY_MAX_CENTS = 99_999_999_999; // $999,999,999.99 — far beyond any SRO budget
const MONTHS_MAX = 120;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** An error message for one value, or null when it is acceptable. */
export function validateTerm(term: TemplateTerm, value: string | undefined): string | null {
	const v = (value ?? '').trim();
	if (!v) return term.required ? `${term.label} is required.` : null;
	switch (term.type) {
		case 'text':
			if (/[\r\n]/.test(v)) return `${term.label} must be a single line.`;
			return v.length > TEXT_MAX ? `${term.label} is too long (at most ${TEXT_MAX} characters).` : null;
		case 'longtext':
			return v.length > LONGTEXT_MAX ? `${term.label} is too long (at most ${LONGTEXT_MAX} characters).` : null;
		case 'date':
			return dateProblem(term, v);
		case 'money':
			return moneyProblem(term, v);
		case 'percent':
			return parsePercent(v) === null ? `${term.label} must be a percentage from 0 to 100, e.g. 50.` : null;
		case 'integer':
			return wholeNumberProblem(term, v, term.min ?? 0, term.max);
		case 'months':
			return wholeNumberProblem(term, v, Math.max(1, term.min ?? 1), term.max ?? MONTHS_MAX, 'month');
		case 'timezone':
			return timeZoneProblem(term, v);
		case 'choice':
			return term.options?.some((option) => option.value === v)
				? null
				: `${term.label} must be one of: ${(term.options ?? []).map((option) => option.value).join(', ')}.`;
	}
}

/**
 * What no field of the fill-in form can produce for this term, or null. The form stores what
 * people type as they type it and shows `validateTerm`'s messages itself, so a half-typed number
 * is a draft, not an attack; but a line break in a one-line field, a date the date picker would
 * not give, or a time zone the list does not offer only come from a crafted client.
 */
export function termShapeProblem(term: TemplateTerm, value: string): string | null {
	const v = value.trim();
	if (!v) return null;
	if (term.type === 'text' && /[\r\n]/.test(v)) return `${term.label} must be a single line.`;
	if (term.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return `${term.label} must be a date written as YYYY-MM-DD.`;
	if (term.type === 'timezone') return timeZoneProblem(term, v);
	return null;
}

/**
 * Every problem in a set of values, keyed by term key: each term on its own, then the rules
 * that join terms (percent sum groups, a date that may not precede another).
 */
export function validateTerms(terms: readonly TemplateTerm[], values: TermValues): Record<string, string> {
	const errors: Record<string, string> = {};
	for (const term of terms) {
		const message = validateTerm(term, values[term.key]);
		if (message) errors[term.key] = message;
	}
	const usable = (term: TemplateTerm) => !errors[term.key] && !!values[term.key]?.trim();
	for (const group of sumGroups(terms)) {
		if (!group.every(usable)) continue;
		const total = group.reduce((sum, term) => sum + (parsePercent(values[term.key]!.trim()) ?? 0), 0);
		if (total === 10_000) continue;
		const message = `${joinLabels(group)} must add up to 100% (now ${formatHundredths(total)}%).`;
		for (const term of group) errors[term.key] = message;
	}
	const byKey = new Map(terms.map((term) => [term.key, term]));
	for (const term of terms) {
		const other = term.notBefore ? byKey.get(term.notBefore) : undefined;
		if (!other || !usable(term) || !usable(other)) continue;
		const mine = values[term.key]!.trim();
		const theirs = values[other.key]!.trim();
		if (mine < theirs) {
			errors[term.key] = `${term.label} (${formatDate(mine)}) cannot be before ${other.label.toLowerCase()} (${formatDate(theirs)}).`;
		}
	}
	return errors;
}

/** How a value reads inside the document: "August 1, 2027", "$163,800.00", "50%", "12 months". */
export function formatTermValue(term: TemplateTerm, value: string | undefined): string {
	const v = (value ?? '').trim();
	if (!v || validateTerm(term, v)) return v;
	switch (term.type) {
		case 'date':
			return formatDate(v);
		case 'money':
			return formatCents(parseMoney(v)!);
		case 'percent':
			return `${formatHundredths(parsePercent(v)!)}%`;
		case 'months': {
			const n = Number(v);
			return `${n} ${n === 1 ? 'month' : 'months'}`;
		}
		case 'integer':
			return String(Number(v));
		case 'choice':
			return term.options?.find((option) => option.value === v)?.label ?? v;
		case 'longtext':
			// Shown inline, so line breaks become separators.
			return v
				.split(/\r?\n/)
				.map((line) => line.trim())
				.filter(Boolean)
				.join('; ');
		default:
			return v;
	}
}

function dateProblem(term: TemplateTerm, v: string): string | null {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
	if (!match) return `${term.label} must be a date written as YYYY-MM-DD, e.g. 2027-08-01.`;
	const [year, month, day] = match.slice(1).map(Number);
	if (year < 1900 || year > 2199) return `${term.label}: ${year} is not a plausible year.`;
	const date = new Date(Date.UTC(year, month - 1, day));
	if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
		return `${term.label}: ${v} is not a real calendar date.`;
	}
	return null;
}

function moneyProblem(term: TemplateTerm, v: string): string | null {
	if (/^(-|\(|\$\s*-)/.test(v)) return `${term.label} cannot be negative.`;
	const cents = parseMoney(v);
	if (cents === null) return `${term.label} must be a dollar amount such as 163800.00.`;
	if (cents > MONEY_MAX_CENTS) return `${term.label} is too large (at most ${formatCents(MONEY_MAX_CENTS)}).`;
	return null;
}

function wholeNumberProblem(term: TemplateTerm, v: string, min: number, max: number | undefined, unit?: string): string | null {
	if (!/^-?\d+$/.test(v)) return `${term.label} must be a whole number.`;
	const n = Number(v);
	const unitOf = (k: number) => (unit ? ` ${unit}${k === 1 ? '' : 's'}` : '');
	if (n < min) return `${term.label} must be at least ${min}${unitOf(min)}.`;
	if (max !== undefined && n > max) return `${term.label} must be at most ${max}${unitOf(max)}.`;
	return null;
}

function timeZoneProblem(term: TemplateTerm, v: string): string | null {
	let canonical: string;
	try {
		canonical = new Intl.DateTimeFormat('en-US', { timeZone: v }).resolvedOptions().timeZone;
	} catch {
		return `${term.label}: “${v}” is not a known time zone. Use an IANA name such as America/Chicago.`;
	}
	// Intl accepts any casing; stored values should be the real name so every consumer agrees.
	if (canonical !== v && canonical.toLowerCase() === v.toLowerCase()) {
		return `${term.label}: write the time zone as ${canonical}.`;
	}
	return null;
}

/** Amount in cents, or null when the text is not a non-negative dollar amount. */
function parseMoney(v: string): number | null {
	const match = /^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(v);
	if (!match) return null;
	const dollars = Number(match[1].replaceAll(',', ''));
	const cents = Number((match[2] ?? '').padEnd(2, '0'));
	return dollars * 100 + cents;
}

/** Percentage in hundredths of a percent (integers avoid 33.33 + 66.67 rounding trouble). */
function parsePercent(v: string): number | null {
	const match = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%?$/.exec(v);
	if (!match) return null;
	const hundredths = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
	return hundredths <= 10_000 ? hundredths : null;
}

function formatDate(v: string): string {
	const [year, month, day] = v.split('-').map(Number);
	return `${MONTH_NAMES[month - 1]} ${day}, ${year}`;
}

function formatCents(cents: number): string {
	const dollars = Math.floor(cents / 100)
		.toString()
		.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
	return `$${dollars}.${String(cents % 100).padStart(2, '0')}`;
}

function formatHundredths(hundredths: number): string {
	const whole = Math.floor(hundredths / 100);
	const fraction = String(hundredths % 100)
		.padStart(2, '0')
		.replace(/0+$/, '');
	return fraction ? `${whole}.${fraction}` : String(whole);
}

function sumGroups(terms: readonly TemplateTerm[]): TemplateTerm[][] {
	const groups = new Map<string, TemplateTerm[]>();
	for (const term of terms) {
		if (term.type === 'percent' && term.sumGroup) {
			groups.set(term.sumGroup, [...(groups.get(term.sumGroup) ?? []), term]);
		}
	}
	return [...groups.values()];
}

function joinLabels(terms: TemplateTerm[]): string {
	const labels = terms.map((term) => term.label);
	return labels.length <= 2 ? labels.join(' and ') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}
