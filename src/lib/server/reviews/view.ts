import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { getMouAccess, type MouAccess } from '$lib/server/mous';
import type { Party } from '$lib/mou/party';
import { can } from '$lib/mou/lifecycle';
import {
	addDays,
	daysBetween,
	describeDuePoint,
	describeSchedule,
	formatLongDate,
	listMouReminders,
	loadSchedule,
	localDate,
	nextDuePoint,
	type DeliveryView,
	type ScheduleView
} from '$lib/server/reminders';
import { CONFIRM_WINDOW_DAYS } from './confirm';
import * as store from './store';
import { loadReviewRecord, recordBlockers, type ReviewRecord } from './record';
import { stepLabel } from '$lib/profiles/review';
import type { ReviewStepKind } from '$lib/profiles/types';

export interface PartyConfirmation {
	side: Party;
	partyName: string;
	confirmedBy: string | null;
	confirmedAt: Date | null;
}

/** A review of this MOU that was completed, as its history recorded it (close.ts `completedRecord`). */
export interface PastReview {
	completedAt: Date;
	/** The due date it was the review of. */
	dueOnText: string | null;
	how: string;
	steps: { label: string; onText: string }[];
	publicComments: number;
}

export interface ReviewPage {
	access: MouAccess;
	/** Null until the MOU is signed with a review date. */
	dueOn: string | null;
	dueOnText: string | null;
	daysLeft: number | null;
	effectiveDate: string | null;
	effectiveDateText: string | null;
	intervalMonths: number;
	timeZone: string;
	confirmations: PartyConfirmation[];
	/** The review draft started from this MOU, if any. */
	review: store.LiveReview | null;
	/** When this MOU is itself a review draft: the signed MOU it reviews. */
	reviews: { id: string; title: string } | null;
	/** e.g. "30 days before — July 2, 2028, 08:00 America/Chicago" (the district's clock). */
	nextReminder: { label: string; at: Date; when: string } | null;
	confirmOpensOn: string | null;
	schedule: ScheduleView;
	scheduleText: string;
	/** Administrators: reminders this MOU sent to their organization's people. */
	reminders: (DeliveryView & { pointLabel: string })[] | null;
	canStart: boolean;
	canConfirm: boolean;
	/** Why counsel cannot confirm right now, when they cannot. */
	confirmBlocked: string | null;
	canSchedule: boolean;
	/** What the review of the current due date has recorded, and what the state's law still needs. */
	record: ReviewRecord | null;
	canRecord: boolean;
	/** Completed reviews, newest first (the current one is `record`). */
	pastReviews: PastReview[];
}

/** Everything the review page of one MOU shows to one person (null: not a party, 404). */
export async function loadReviewPage(sql: Sql, user: SessionUser, mouId: string, now = new Date()): Promise<ReviewPage | null> {
	const access = await getMouAccess(sql, user, mouId);
	if (!access) return null;
	const [mou, review, schedule, reminders, completed] = await Promise.all([
		store.findMou(sql, mouId),
		store.liveReview(sql, mouId),
		loadSchedule(sql, mouId),
		listMouReminders(sql, user, mouId),
		store.listCompletedReviews(sql, mouId)
	]);
	if (!mou) return null;
	const reviewed = mou.reviewsMouId ? await store.findMou(sql, mou.reviewsMouId) : null;
	const zone = schedule.effective.timeZone;
	const today = localDate(now, zone);
	const dueOn = mou.status === 'signed' ? mou.dueOn : null;
	const confirmationRows = dueOn ? await store.listConfirmations(sql, mouId, dueOn) : [];
	const confirmations = access.mou.parties.map((party): PartyConfirmation => {
		const given = confirmationRows.find((c) => c.party === party.side);
		return { side: party.side, partyName: party.name, confirmedBy: given?.userName ?? null, confirmedAt: given?.confirmedAt ?? null };
	});
	const mayConfirm = can(user, 'confirmReview');
	const signed = mou.status === 'signed';
	const replaced = review?.status === 'signed';
	const confirmOpensOn = dueOn ? addDays(dueOn, -CONFIRM_WINDOW_DAYS) : null;
	const next = dueOn && !review ? nextDuePoint(schedule.effective, dueOn, now) : null;
	const record = dueOn && review?.status !== 'signed' ? await loadReviewRecord(sql, { ...mou, dueOn }) : null;
	const blockers = recordBlockers(record);
	const confirmBlocked = !mayConfirm
		? null
		: !signed || !dueOn
			? 'Only a signed MOU with a review date can be confirmed.'
			: review
				? `The review is under way in “${review.title}”.`
				: confirmations.find((c) => c.side === access.side)?.confirmedBy
					? 'Your party has confirmed this review; the other party’s counsel confirms next.'
					: confirmOpensOn && today < confirmOpensOn
						? `The review can be confirmed from ${formatLongDate(confirmOpensOn)}, ${CONFIRM_WINDOW_DAYS} days before it is due.`
						: (blockers[0] ?? null);
	return {
		access,
		dueOn: replaced ? null : dueOn,
		dueOnText: dueOn && !replaced ? formatLongDate(dueOn) : null,
		daysLeft: dueOn && !replaced ? daysBetween(today, dueOn) : null,
		effectiveDate: mou.effectiveDate,
		effectiveDateText: mou.effectiveDate && formatLongDate(mou.effectiveDate),
		intervalMonths: mou.intervalMonths,
		timeZone: zone,
		confirmations,
		review,
		reviews: reviewed ? { id: reviewed.id, title: reviewed.title } : null,
		nextReminder: next
			? {
					label: describeDuePoint(next.key),
					at: next.sendAt,
					when: `${formatLongDate(next.date)}, ${String(schedule.effective.sendHour).padStart(2, '0')}:00 ${zone}`
				}
			: null,
		confirmOpensOn,
		schedule,
		scheduleText: describeSchedule(schedule.settings),
		reminders: reminders?.map((r) => ({ ...r, pointLabel: describeDuePoint(r.duePoint) })) ?? null,
		canStart: can(user, 'startReview', mou) && !review,
		canConfirm: can(user, 'confirmReview', mou) && !!dueOn && confirmBlocked === null,
		confirmBlocked,
		canSchedule: can(user, 'scheduleReminders', mou),
		record,
		canRecord: !!record && can(user, 'recordReviewStep', mou),
		pastReviews: completed.map(pastReview)
	};
}

function pastReview({ kind, at, detail }: store.CompletedReviewRow): PastReview {
	return {
		completedAt: at,
		dueOnText: detail.reviewedDueOn ? formatLongDate(detail.reviewedDueOn) : null,
		how:
			kind === 'review_completed'
				? `Completed by the new signed MOU “${detail.replacedBy?.title ?? 'that replaced it'}”`
				: 'Confirmed without changes by both parties',
		steps: (detail.steps ?? []).map((s) => ({ label: stepLabel(s.kind as ReviewStepKind), onText: formatLongDate(s.occurredOn) })),
		publicComments: detail.publicComments ?? 0
	};
}
