import type { SessionUser } from '$lib/server/auth';
import { getMouAccess, ownPartyName, touchActivity } from '$lib/server/mous';
import { can } from '$lib/mou/lifecycle';
import { addDays, addMonths, formatLongDate, localDate, reviewTimeZone } from '$lib/server/reminders';
import { failure, ok, type Outcome } from '$lib/errors';
import type { ReviewDeps } from './deps';
import * as store from './store';
import { loadReviewRecord, recordBlockers } from './record';
import { mouProfile } from '$lib/server/profiles';
import { REVIEW_WINDOW_DAYS } from '$lib/profiles/review';
import { completedRecord } from './close';

/** A review can be confirmed from this many days before it is due (and any time once overdue). */
export const CONFIRM_WINDOW_DAYS = REVIEW_WINDOW_DAYS;

export interface ReviewConfirmed {
	/** True when this was the second party's confirmation: the review is complete. */
	completed: boolean;
	/** The due date this confirmation was for. */
	reviewedDueOn: string;
	/** The new due date once complete, else null. */
	nextDueOn: string | null;
}

/**
 * Counsel confirms, for their party, that the review of the current due date needs no changes.
 * With both parties' confirmations the review is complete: it is logged in the MOU's history and
 * the due date moves forward a full interval from the previous due date (not from today, so the
 * cycle keeps its anniversary).
 */
export async function confirmReview(deps: ReviewDeps, user: SessionUser, mouId: string, now = new Date()): Promise<Outcome<ReviewConfirmed> | null> {
	const access = await getMouAccess(deps.sql, user, mouId);
	if (!access) return null;
	if (!can(user, 'confirmReview')) return failure('forbidden', 'Only counsel can confirm the review for their party.');
	const today = localDate(now, await reviewTimeZone(deps.sql, mouId));

	const outcome = await deps.sql.begin(async (tx): Promise<Outcome<ReviewConfirmed>> => {
		const mou = await store.lockMou(tx, mouId);
		if (!mou) return failure('not_found', 'No such MOU.');
		if (mou.status !== 'signed' || !mou.dueOn) {
			return failure(
				'not_now',
				mou.status === 'terminated' ? 'This MOU has ended: there is nothing to review.' : 'Only a signed MOU with a review date can be confirmed.'
			);
		}
		const live = await store.liveReview(tx, mouId);
		if (live) return failure('not_now', `The review is under way in “${live.title}”: finish it there.`);
		const opensOn = addDays(mou.dueOn, -CONFIRM_WINDOW_DAYS);
		if (today < opensOn) {
			return failure(
				'not_now',
				`The review due on ${formatLongDate(mou.dueOn)} can be confirmed from ${formatLongDate(opensOn)}, ${CONFIRM_WINDOW_DAYS} days before it is due.`
			);
		}
		const dueOn = mou.dueOn;
		// The state's law decides what the review must have recorded before it can close.
		const record = await loadReviewRecord(tx, mou);
		const blockers = recordBlockers(record);
		if (blockers.length) return failure('not_now', blockers[0], { problems: blockers });
		if (!(await store.insertConfirmation(tx, { mouId, dueOn, party: access.side, userId: user.id, at: now }))) {
			return failure('not_now', `${ownPartyName(access)} has already confirmed this review.`);
		}
		await store.insertEvent(tx, {
			mouId,
			at: now,
			userId: user.id,
			party: access.side,
			kind: 'review_confirmation',
			summary: `Confirmed the review due ${formatLongDate(dueOn)} without changes for ${ownPartyName(access)}`,
			detail: { dueOn }
		});
		const confirmations = await store.listConfirmations(tx, mouId, dueOn);
		const sides = new Set(confirmations.map((c) => c.party));
		if (!sides.has('agency') || !sides.has('district')) {
			await touchActivity(tx, mouId, now);
			return ok({ completed: false, reviewedDueOn: dueOn, nextDueOn: null });
		}
		const maxInterval = mouProfile(mou).review.maxIntervalMonths;
		const intervalMonths = maxInterval ? Math.min(mou.intervalMonths, maxInterval) : mou.intervalMonths;
		const nextDueOn = addMonths(dueOn, intervalMonths);
		const completed = completedRecord(record);
		await store.setDueOn(tx, mouId, nextDueOn);
		await touchActivity(tx, mouId, now);
		await store.insertEvent(tx, {
			mouId,
			at: now,
			userId: user.id,
			party: access.side,
			kind: 'review_confirmed',
			summary: `Review completed without changes on ${formatLongDate(today)}: both parties confirmed; ${completed.words}. Next review due ${formatLongDate(nextDueOn)}.`,
			detail: {
				reviewedOn: today,
				reviewedDueOn: dueOn,
				nextDueOn,
				intervalMonths,
				...completed.detail,
				confirmations: confirmations.map((c) => ({ party: c.party, userId: c.userId, name: c.userName, at: c.confirmedAt.toISOString() }))
			}
		});
		return ok({ completed: true, reviewedDueOn: dueOn, nextDueOn });
	});
	if (outcome.ok) deps.collab?.notify?.(mouId, 'history');
	return outcome;
}
