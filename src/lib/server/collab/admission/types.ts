import type * as Y from 'yjs';
import type { DecidedIds } from './decided-ids';
import type { DocumentMode } from '../../../mou/lifecycle';
import type { Party } from '../../../mou/party';
import type { StagedRuns, UpdateGuard } from '../guard';
import type { ClientOwners } from '../tracked/client-owners';
import type { ShadowDocument } from '../tracked/shadow';
import type { DocumentRules } from '../types';
import type { Intake } from '../update-intake';
import type { SuggestionIds } from './suggestion-ids';

/**
 * Who makes a change: a person on a connection, or the server on someone's behalf (a decision).
 * `rewritesTemplate`: the server re-applies the MOU's template under a new state profile, the one
 * change that may replace locked clauses (the room is reloaded with the new locks right after).
 */
export type ChangeAuthor = { kind: 'person'; userId: string; side: Party } | { kind: 'server'; actorId: string; rewritesTemplate?: boolean };

/** A decoded update asking to be stored. */
export interface ProposedChange {
	readonly intake: Intake;
	readonly author: ChangeAuthor;
	/** What the update is judged as, after everything still being stored (it may build on that). */
	readonly candidate: Candidate;
	/**
	 * A person's update only: the admission's one clock reading, and where the tracked-change
	 * rules record the text they admitted as late typing (admission/late-typing.ts). Without it,
	 * no unmarked text is late typing.
	 */
	readonly lateTyping?: LateTypingRecord;
}

/** Unmarked text admitted as late typing: `length` characters of `client` from `clock`, to be marked with `successor`. */
export interface AdmittedLateTyping {
	readonly client: number;
	readonly clock: number;
	readonly length: number;
	readonly decided: string;
	readonly successor: string;
}

/** See ProposedChange.lateTyping. */
export interface LateTypingRecord {
	/** DecidedIds.clock, read once for the whole admission. */
	readonly at: number;
	readonly admitted: AdmittedLateTyping[];
}

/** The update as it is judged (the write pipeline's candidateFor). */
export interface Candidate {
	/** The update itself, or everything staged merged with it. */
	readonly bytes: Uint8Array;
	/** When the update is judged after what is staged without merging: the staged structs. */
	readonly staged: StagedRuns | null;
}

/** The room as admission sees it: read-only, except the tracked shadow (see the chain's order). */
export interface AdmissionState {
	readonly doc: Y.Doc;
	readonly mode: DocumentMode;
	readonly guard: UpdateGuard;
	readonly owners: ClientOwners;
	/** Bytes accepted but not yet stored. */
	readonly stagedBytes: number;
	/** While tracked: the document plus what is staged, where tracked-change rules judge an update. */
	readonly shadow: ShadowDocument | null;
	/** Who each suggestion id belongs to. */
	readonly suggestionIds: SuggestionIds;
	/** The suggestion ids already decided, and how often each was reused late. */
	readonly decidedIds: DecidedIds;
	/** What the document's template says about clauses and terms. */
	readonly rules: DocumentRules;
}

/** Why a change may not go on, and the close code its sender is closed with. */
export interface Refusal {
	code: number;
	reason: string;
}

/** One link of the admission chain: null lets the change go on to the next. */
export type AdmissionCheck = (change: ProposedChange, state: AdmissionState) => Refusal | null;
