/**
 * Update admission: one ordered chain of checks, each with the same signature, that every change
 * passes before it is staged for storing — a person's update from a connection and the server's
 * own change (a decision) alike. The first refusal ends the chain.
 */
import { clauseIdentity, termValues } from './attributes';
import { bodyShape } from './body-shape';
import { clientOwnership, frozen, lockGuard, stagedCap, trackedChanges } from './checks';
import { decidedIdReuse } from './decided-ids';
import { judgingChange } from './placements';
import { suggestionIdOwnership } from './suggestion-ids';
import type { AdmissionCheck, AdmissionState, ProposedChange, Refusal } from './types';

export { DecidedIds, LateSuggestions, MAX_LATE_MOVES, moveSuggestions } from './decided-ids';
export { SuggestionIds } from './suggestion-ids';
export type { AdmissionCheck, AdmissionState, AdmittedLateTyping, Candidate, ChangeAuthor, LateTypingRecord, ProposedChange, Refusal } from './types';

/** In order: cheap and structural first; the tracked-change rules last (they touch the shadow). */
export const ADMISSION_CHAIN: readonly AdmissionCheck[] = [
	frozen,
	lockGuard,
	bodyShape,
	clientOwnership,
	stagedCap,
	suggestionIdOwnership,
	decidedIdReuse,
	clauseIdentity,
	termValues,
	trackedChanges
];

export function admit(change: ProposedChange, state: AdmissionState): Refusal | null {
	judgingChange(change);
	for (const check of ADMISSION_CHAIN) {
		const refusal = check(change, state);
		if (refusal !== null) return refusal;
	}
	return null;
}
