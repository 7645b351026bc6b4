import { readStoredMou } from '$lib/document';
import { composeEmail } from '$lib/server/mail';
import { CATCH_UP_MS, type ReminderSchedule } from './schedule';
import { addDays, formatLongDate, isIsoDate, zonedInstant } from './time';

/**
 * Reminders of the MOU's own dates, besides its review: the end of its term, and the last day to
 * give notice of non-renewal (the term end less the notice days its text names). Each goes 60, 30,
 * 7 days before and on the day, at the schedule's hour in the district's zone; like review reminders,
 * once per person and point, and only the latest point that has come.
 */

export const CONTRACT_DAYS_BEFORE: readonly number[] = [60, 30, 7, 0];

export interface ContractPoint {
	kind: 'term-end' | 'notice';
	/** 'term-end:30', 'notice:0'. */
	key: string;
	/** The date it is about (due_on of the delivery). */
	target: string;
	days: number;
	sendAt: Date;
}

/** term_end and the non-renewal notice days from the signed text (2027.1's term, else 2026.1's). */
export function contractDates(state: Uint8Array | null): { termEnd: string; noticeBy: string | null } | null {
	if (!state) return null;
	let terms: Record<string, string | undefined>;
	try {
		terms = readStoredMou(state).terms;
	} catch {
		return null;
	}
	const termEnd = String(terms.term_end ?? '').trim();
	if (!isIsoDate(termEnd)) return null;
	const rawDays = String(terms.nonrenewal_notice_days ?? terms.termination_notice_days ?? '').trim();
	const days = /^\d{1,3}$/.test(rawDays) ? Number(rawDays) : null;
	return { termEnd, noticeBy: days ? addDays(termEnd, -days) : null };
}

function pointsFor(kind: ContractPoint['kind'], target: string, schedule: ReminderSchedule): ContractPoint[] {
	return CONTRACT_DAYS_BEFORE.map((days) => ({
		kind,
		key: `${kind}:${days}`,
		target,
		days,
		sendAt: zonedInstant(addDays(target, -days), schedule.sendHour, schedule.timeZone)
	}));
}

/** For each of the two dates, the latest point that has come at `now` (within the catch-up week). */
export function currentContractPoints(dates: { termEnd: string; noticeBy: string | null }, schedule: ReminderSchedule, now: Date): ContractPoint[] {
	const lists = [pointsFor('term-end', dates.termEnd, schedule), ...(dates.noticeBy ? [pointsFor('notice', dates.noticeBy, schedule)] : [])];
	return lists.flatMap((points) => {
		const latest = points.filter((p) => p.sendAt <= now).at(-1);
		return latest && now.getTime() - latest.sendAt.getTime() <= CATCH_UP_MS ? [latest] : [];
	});
}

/** For each of the two dates, the next point still to come after `now` (the upcoming reminders page). */
export function nextContractPoints(dates: { termEnd: string; noticeBy: string | null }, schedule: ReminderSchedule, now: Date): ContractPoint[] {
	const lists = [pointsFor('term-end', dates.termEnd, schedule), ...(dates.noticeBy ? [pointsFor('notice', dates.noticeBy, schedule)] : [])];
	return lists.flatMap((points) => points.filter((p) => p.sendAt > now).slice(0, 1));
}

export function describeContractPoint(key: string): string | null {
	const [kind, raw] = key.split(':');
	if (kind !== 'term-end' && kind !== 'notice') return null;
	const days = Number(raw);
	const what = kind === 'term-end' ? 'the term ends' : 'the non-renewal notice deadline';
	return days === 0 ? `On the day ${what}` : `${days} day${days === 1 ? '' : 's'} before ${what}`;
}

export function contractEmail(
	facts: { mouId: string; title: string; point: ContractPoint; termEnd: string },
	person: { name: string; organizationName: string },
	deliveryId: string,
	origin: string
) {
	const { point } = facts;
	const when = point.days === 0 ? 'today' : `in ${point.days} day${point.days === 1 ? '' : 's'}, on ${formatLongDate(point.target)}`;
	const subject =
		point.kind === 'term-end'
			? `Term ends ${point.days === 0 ? 'today' : `in ${point.days} days`}: “${facts.title}”`
			: `Non-renewal notice due ${point.days === 0 ? 'today' : `in ${point.days} days`}: “${facts.title}”`;
	const first =
		point.kind === 'term-end'
			? `The term of “${facts.title}” ends ${when}. Unless a party has given notice of non-renewal, it renews on the terms it states; a replacement agreement is signed as a review of it.`
			: `The last day for either party to give written notice that “${facts.title}” will not renew is ${when} (the term ends on ${formatLongDate(facts.termEnd)}). After that day it renews on its terms.`;
	const body = composeEmail({
		greeting: `Hello ${person.name},`,
		paragraphs: [first, `You receive this as counsel, signatory or administrator of ${person.organizationName}.`],
		action: { label: 'Open the MOU', url: `${origin}/mous/${facts.mouId}` },
		footer: `MOU Studio contract reminder · reference ${deliveryId}`
	});
	return { subject, ...body };
}
