/**
 * The periodic review of a signed MOU: start it (a new draft from the signed text, linked to the
 * MOU it reviews) or confirm it without changes (both parties' counsel; the due date moves a full
 * interval forward). The compare view of a review draft defaults to its baseline, the signed text.
 */
import type { Sql } from '$lib/server/db';
import * as store from './store';

export { startReview, reviewTitle, type ReviewStarted } from './start';
export { confirmReview, CONFIRM_WINDOW_DAYS, type ReviewConfirmed } from './confirm';
export { closeReviewBySuccessor } from './close';
export { loadReviewPage, type ReviewPage, type PartyConfirmation, type PastReview } from './view';
export type { ReviewDeps } from './deps';
export {
	recordReviewStep,
	reviewStepFile,
	loadReviewRecord,
	recordBlockers,
	reviewDraftBlockers,
	MAX_FILE_BYTES,
	type ReviewRecord,
	type StepInput
} from './record';
export type { ReviewStepRow } from './store';

/**
 * The signed text a review draft started from — the reviewed MOU's agreed version (its id, label
 * and full Yjs state, which the draft's history continues from) — or null when the MOU is not a
 * review draft. For the compare view's "against the signed MOU"; the caller has checked access to
 * the draft, and the parties of a review are the parties of the MOU it reviews.
 */
export async function reviewBaseline(
	sql: Sql,
	mouId: string
): Promise<{ mouId: string; title: string; versionId: string; label: string; state: Uint8Array; sha256: string } | null> {
	return store.baseline(sql, mouId);
}
