import type { Tx } from '$lib/server/db';
import { formatLongDate } from '$lib/server/reminders';
import { stepLabel } from '$lib/profiles/review';
import * as store from './store';
import { loadReviewRecord, type ReviewRecord } from './record';

/**
 * What a completed review leaves on the reviewed MOU, however it closed: the steps recorded with
 * their dates and the number of public comments accepted. The confirm path (confirm.ts) and the
 * close by a new signed MOU (below) both write it, so the MOU's history reads the same either way.
 */
export function completedRecord(record: ReviewRecord | null) {
	const steps = record?.steps ?? [];
	const publicComments = record?.publicComments.length ?? 0;
	const done = steps.map((s) => `${stepLabel(s.kind).toLowerCase()} (${s.occurredOn})`);
	const words = [
		...(done.length ? [`recorded: ${done.join(', ')}`] : []),
		`${publicComments} public ${publicComments === 1 ? 'comment' : 'comments'} accepted`
	].join('; ');
	return {
		words,
		detail: {
			steps: steps.map((s) => ({ id: s.id, kind: s.kind, occurredOn: s.occurredOn, fileSha256: s.fileSha256, party: s.party, by: s.recordedByName })),
			publicComments
		}
	};
}

/**
 * Called in the transaction that completes the signing of `signedMouId`: when that MOU is a review
 * draft, the review of the MOU it reviews is complete, and its record is written on that MOU's
 * history (the draft's own history starts afresh). Nothing for any other MOU.
 */
export async function closeReviewBySuccessor(tx: Tx, signedMouId: string, now: Date): Promise<void> {
	const draft = await store.findMou(tx, signedMouId);
	if (!draft?.reviewsMouId) return;
	const reviewed = await store.findMou(tx, draft.reviewsMouId);
	if (!reviewed?.dueOn) return;
	const record = completedRecord(await loadReviewRecord(tx, reviewed));
	await store.insertEvent(tx, {
		mouId: reviewed.id,
		at: now,
		userId: null,
		party: null,
		kind: 'review_completed',
		summary: `Review due ${formatLongDate(reviewed.dueOn)} completed by the new signed MOU “${draft.title}”; ${record.words}.`,
		detail: { reviewedDueOn: reviewed.dueOn, replacedBy: { id: draft.id, title: draft.title }, ...record.detail }
	});
}
