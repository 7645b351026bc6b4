import { isIsoDate, isTimeZone } from './time';

export type FieldErrors = Record<string, string>;
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export const MIN_REVIEW_INTERVAL_MONTHS = 1;
export const MAX_REVIEW_INTERVAL_MONTHS = 60;
const MAX_DAYS_BEFORE = 365;
const MAX_POINTS = 12;
const MAX_OVERDUE_EVERY = 90;

function wholeNumber(value: string): number | null {
	return /^\d{1,6}$/.test(value) ? Number(value) : null;
}

/** A review interval in whole months, 1 to 60 (NASRO asks for yearly; some states set their own cycle). */
export function reviewIntervalProblem(value: unknown): string | null {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!/^-?\d+$/.test(text)) return 'Enter the review interval as a whole number of months, for example 12.';
	const months = Number(text);
	if (months < MIN_REVIEW_INTERVAL_MONTHS) return 'The review interval must be at least 1 month.';
	if (months > MAX_REVIEW_INTERVAL_MONTHS) return 'The review interval can be at most 60 months (five years).';
	return null;
}

/**
 * The dates a review cycle rests on: an effective date (a real calendar day), a review interval
 * of 1 to 60 months, and — when the MOU has one — an expiry that the effective date is not after.
 */
export function checkReviewTerms(input: {
	effectiveDate: unknown;
	reviewIntervalMonths: unknown;
	expiresOn?: unknown;
}): Checked<{ effectiveDate: string; reviewIntervalMonths: number; expiresOn: string | null }> {
	const errors: FieldErrors = {};
	const effective = typeof input.effectiveDate === 'string' ? input.effectiveDate.trim() : '';
	if (!isIsoDate(effective)) errors.effectiveDate = 'Enter the effective date as a real date (YYYY-MM-DD).';
	const intervalProblem = reviewIntervalProblem(input.reviewIntervalMonths);
	if (intervalProblem) errors.reviewIntervalMonths = intervalProblem;
	const expiresRaw = typeof input.expiresOn === 'string' ? input.expiresOn.trim() : '';
	let expiresOn: string | null = null;
	if (expiresRaw) {
		if (!isIsoDate(expiresRaw)) errors.expiresOn = 'Enter the expiry as a real date (YYYY-MM-DD).';
		else expiresOn = expiresRaw;
	}
	if (!errors.effectiveDate && expiresOn && effective > expiresOn) {
		errors.effectiveDate = `The effective date (${effective}) cannot be after the MOU expires (${expiresOn}).`;
	}
	if (Object.keys(errors).length) return { ok: false, errors };
	return { ok: true, value: { effectiveDate: effective, reviewIntervalMonths: Number(String(input.reviewIntervalMonths).trim()), expiresOn } };
}

export interface ScheduleSettings {
	daysBefore: number[];
	overdueEveryDays: number | null;
	sendHour: number;
	/** null: the district organization's zone. */
	timeZone: string | null;
}

/**
 * The schedule form: "60, 30, 14, 7, 0" days before, weekly (or another number of days, or none)
 * while overdue, the hour, and the zone. Every problem is reported against its field.
 */
export function checkScheduleSettings(input: {
	daysBefore: unknown;
	overdueEveryDays: unknown;
	sendHour: unknown;
	timeZone: unknown;
}): Checked<ScheduleSettings> {
	const errors: FieldErrors = {};
	const daysText = typeof input.daysBefore === 'string' ? input.daysBefore : '';
	const pieces = daysText.split(/[\s,;]+/).filter(Boolean);
	const days: number[] = [];
	if (pieces.length === 0) errors.daysBefore = 'List at least one day, for example 60, 30, 14, 7, 0 (0 is the due date itself).';
	for (const piece of pieces) {
		const n = wholeNumber(piece);
		if (n === null) {
			errors.daysBefore = `“${piece.slice(0, 20)}” is not a whole number of days. Use numbers like 60, 30, 14, 7, 0.`;
			break;
		}
		if (n > MAX_DAYS_BEFORE) {
			errors.daysBefore = `Reminders can start at most ${MAX_DAYS_BEFORE} days before the due date.`;
			break;
		}
		if (!days.includes(n)) days.push(n);
	}
	if (!errors.daysBefore && days.length > MAX_POINTS) errors.daysBefore = `At most ${MAX_POINTS} reminders before the due date.`;
	days.sort((a, b) => b - a);

	const overdueText = typeof input.overdueEveryDays === 'string' ? input.overdueEveryDays.trim() : '';
	let overdueEveryDays: number | null = null;
	if (overdueText !== '' && overdueText !== 'none') {
		const n = wholeNumber(overdueText);
		if (n === null || n < 1 || n > MAX_OVERDUE_EVERY)
			errors.overdueEveryDays = `Repeat every 1 to ${MAX_OVERDUE_EVERY} days while overdue, or choose no repeats.`;
		else overdueEveryDays = n;
	}

	const hourText = typeof input.sendHour === 'string' ? input.sendHour.trim() : '';
	const hour = wholeNumber(hourText);
	if (hour === null || hour > 23) errors.sendHour = 'Choose an hour from 0 (midnight) to 23.';

	const zoneText = typeof input.timeZone === 'string' ? input.timeZone.trim() : '';
	let timeZone: string | null = null;
	if (zoneText !== '') {
		if (isTimeZone(zoneText)) timeZone = zoneText;
		else errors.timeZone = `“${String(input.timeZone).trim().slice(0, 64)}” is not an IANA time zone. Use a name like America/Chicago.`;
	}
	if (Object.keys(errors).length) return { ok: false, errors };
	return { ok: true, value: { daysBefore: days, overdueEveryDays, sendHour: hour!, timeZone } };
}
