import { describeContractPoint } from './contract';
import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import type { Party } from '$lib/mou/party';
import { daysBetween, formatLongDate, localDate, zoneOrUtc } from './time';
import * as store from './store';

export type { DeliveryView } from '$lib/reminders/types';

/** The reminders a person was sent, newest first. */
export function listMyReminders(sql: Sql, user: SessionUser) {
	return store.listForUser(sql, user.id);
}

/** For administrators: every reminder to their organization's people, failures and pending first. */
export function listOrganizationReminders(sql: Sql, user: SessionUser) {
	if (!user.isAdmin) return Promise.resolve(null);
	return store.listForOrganization(sql, user.organizationId);
}

/** One MOU's reminders to the people of the user's organization (administrators only). */
export function listMouReminders(sql: Sql, user: SessionUser, mouId: string) {
	if (!user.isAdmin) return Promise.resolve(null);
	return store.listForMou(sql, mouId, user.organizationId);
}

/** "30 days before", "on the due date", "14 days overdue". */
export function describeDuePoint(key: string): string {
	const contract = describeContractPoint(key);
	if (contract) return contract;
	const [kind, raw] = key.split(':');
	const days = Number(raw);
	if (kind === 'before') return days === 0 ? 'On the due date' : `${days} day${days === 1 ? '' : 's'} before`;
	return `${days} day${days === 1 ? '' : 's'} overdue`;
}

/** Reviews due within this many days are "due soon" on the dashboard (the first default reminder). */
export const DUE_SOON_DAYS = 60;

export type ReviewState = 'overdue' | 'due-soon' | 'scheduled' | 'in-review' | 'review-draft' | 'replaced' | 'not-signed' | 'ended';

export interface ReviewOverview {
	state: ReviewState;
	/** The review date this row is about (a review draft: the reviewed MOU's). */
	dueOn: string | null;
	dueOnText: string | null;
	/** From the district's today; negative when overdue. */
	daysLeft: number | null;
	/** The words the dashboard shows; never colour alone. */
	label: string;
	/** The review draft of a signed MOU, or the signed MOU a draft reviews. */
	link: { href: string; text: string } | null;
	confirmedParties: Party[];
	/** Lower sorts first: overdue, due soon, under review, scheduled, then the rest. */
	tier: number;
}

function plural(n: number, word: string) {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Each MOU's review standing on `now`, keyed by MOU id. */
export async function reviewOverview(sql: Sql, mouIds: string[], now: Date): Promise<Map<string, ReviewOverview>> {
	const facts = await store.reviewFacts(sql, mouIds);
	return new Map(facts.map((f) => [f.id, overviewOf(f, now)]));
}

function overviewOf(f: store.ReviewFacts, now: Date): ReviewOverview {
	const today = localDate(now, zoneOrUtc(f.scheduleTimeZone, f.districtTimeZone));
	const base = { dueOn: null, dueOnText: null, daysLeft: null, link: null, confirmedParties: f.confirmedParties ?? [] };
	if (f.status === 'terminated') return { ...base, state: 'ended', label: 'Ended — no review', tier: 5 };
	if (f.reviewsMouId && f.status !== 'signed') {
		const dueOn = f.reviewsDueOn;
		const daysLeft = dueOn ? daysBetween(today, dueOn) : null;
		return {
			...base,
			state: 'review-draft',
			dueOn,
			dueOnText: dueOn && formatLongDate(dueOn),
			daysLeft,
			label: daysLeft === null ? 'Review draft' : `Review draft — ${dueWords(daysLeft)}`,
			link: { href: `/mous/${f.reviewsMouId}`, text: `Reviews “${f.reviewsTitle}”` },
			tier: 2
		};
	}
	if (f.status !== 'signed' || !f.dueOn) return { ...base, state: 'not-signed', label: 'Set when signed', tier: 4 };
	const daysLeft = daysBetween(today, f.dueOn);
	const dated = { ...base, dueOn: f.dueOn, dueOnText: formatLongDate(f.dueOn), daysLeft };
	if (f.reviewId && f.reviewStatus === 'signed') {
		return {
			...dated,
			state: 'replaced',
			label: 'Replaced by its signed review',
			link: { href: `/mous/${f.reviewId}`, text: `“${f.reviewTitle}”` },
			dueOn: null,
			dueOnText: null,
			daysLeft: null,
			tier: 4
		};
	}
	if (f.reviewId) {
		return {
			...dated,
			state: 'in-review',
			label: `Review under way — ${dueWords(daysLeft)}`,
			link: { href: `/mous/${f.reviewId}`, text: `Open the review draft` },
			tier: 2
		};
	}
	if (daysLeft < 0) return { ...dated, state: 'overdue', label: `Overdue by ${plural(-daysLeft, 'day')}`, tier: 0 };
	if (daysLeft <= DUE_SOON_DAYS) return { ...dated, state: 'due-soon', label: daysLeft === 0 ? 'Due today' : `Due in ${plural(daysLeft, 'day')}`, tier: 1 };
	return { ...dated, state: 'scheduled', label: `Due in ${plural(daysLeft, 'day')}`, tier: 3 };
}

function dueWords(daysLeft: number): string {
	if (daysLeft < 0) return `overdue by ${plural(-daysLeft, 'day')}`;
	return daysLeft === 0 ? 'due today' : `due in ${plural(daysLeft, 'day')}`;
}

/**
 * Most urgent first: overdue (the longest overdue first), due soon, reviews under way, scheduled;
 * then MOUs without a review date, most recently active first.
 */
export function byUrgency<T extends { id: string; lastActivityAt: Date | string }>(mous: T[], overview: Map<string, ReviewOverview>): T[] {
	const key = (mou: T) => {
		const o = overview.get(mou.id);
		return { tier: o?.tier ?? 4, days: o?.daysLeft ?? 0, activity: new Date(mou.lastActivityAt).getTime() };
	};
	return [...mous].sort((a, b) => {
		const [x, y] = [key(a), key(b)];
		if (x.tier !== y.tier) return x.tier - y.tier;
		if (x.tier <= 3 && x.days !== y.days) return x.days - y.days;
		return y.activity - x.activity;
	});
}
