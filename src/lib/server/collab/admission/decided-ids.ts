import * as Y from 'yjs';
import { markedRuns, TERM_PROPOSALS_FIELD } from '../../../document';
import { encodeTermProposal, newSuggestionId, parseSuggestionAttrs, parseTermProposal } from '../../../redlines/types';
import { LATE_TYPING_MS, MAX_LATE_TYPING, MAX_LATE_WORK_PER_PERSON } from './late-typing';
import { CloseCode } from '../../../collab/protocol';
import type { Intake } from '../update-intake';
import type { AdmissionCheck } from './types';
import { claimsOf } from './suggestion-ids';
import { newItems, placementsOf } from './placements';

/**
 * The suggestion ids of this MOU that were decided (accepted, rejected or withdrawn): read from
 * the decisions when the room loads and on every 'history' notice (decisions made on other
 * instances), and taken on the spot from this instance's own decisions, as soon as one is admitted.
 * A decision closes its id for good: its record, its thread and its place in the history name it
 * (a later mark under it is moved to a successor id, below).
 */
export class DecidedIds {
	private readonly ids = new Set<string>();
	/** How many late updates each decided id has had moved (see LateSuggestions). */
	private readonly late = new Map<string, number>();
	/** How many late-typing updates each decided id has had admitted (see late-typing.ts). */
	private readonly typed = new Map<string, number>();
	/** When each person's late work (late-typing updates, moved late marks) was admitted, the last LATE_TYPING_MS of it (see MAX_LATE_WORK_PER_PERSON). */
	private readonly lateBy = new Map<string, number[]>();
	/** When this instance learned of each decision (see LATE_TYPING_MS). */
	private readonly learned = new Map<string, number>();
	private lastLearned = -Infinity;
	/** One successor per decided id, and back: a burst of late keystrokes stays one suggestion. */
	private readonly successors = new Map<string, string>();
	private readonly predecessors = new Map<string, string>();

	// Read through Date.now on every call (not a saved reference), so a test can move the clock.
	constructor(private readonly now: () => number = () => Date.now()) {}

	get size(): number {
		return this.ids.size;
	}

	has(id: string): boolean {
		return this.ids.has(id);
	}

	/** Adds `ids`; returns the ones that were not known yet (to take back if their decision fails). */
	add(ids: Iterable<string>): string[] {
		const added: string[] = [];
		const now = this.now();
		for (const id of ids) {
			if (this.ids.has(id)) continue;
			this.ids.add(id);
			this.learned.set(id, now);
			added.push(id);
		}
		if (added.length > 0) this.lastLearned = now;
		return added;
	}

	lateMoves(id: string): number {
		return this.late.get(id) ?? 0;
	}

	/** An update by `userId` whose marks under decided `ids` are moved (LateSuggestions), admitted at `at`. */
	noteLateMoves(ids: Iterable<string>, userId: string, at: number): void {
		for (const id of ids) this.late.set(id, this.lateMoves(id) + 1);
		this.noteLateWork(userId, at);
	}

	/** Counted when a late-typing update by `userId` is admitted (at `at`), not when it is stored: once for each decided id it continues. */
	noteLateTyping(ids: Iterable<string>, userId: string, at: number): void {
		for (const id of ids) this.typed.set(id, (this.typed.get(id) ?? 0) + 1);
		this.noteLateWork(userId, at);
	}

	/** Whether `userId` had fewer than MAX_LATE_WORK_PER_PERSON late updates (typing or moved marks) within LATE_TYPING_MS before `at`. */
	lateWorkLeft(userId: string, at: number): boolean {
		return this.recentLateWork(userId, at).length < MAX_LATE_WORK_PER_PERSON;
	}

	private noteLateWork(userId: string, at: number): void {
		const times = this.recentLateWork(userId, at);
		times.push(at);
		this.lateBy.set(userId, times);
	}

	private recentLateWork(userId: string, at: number): number[] {
		const recent = (this.lateBy.get(userId) ?? []).filter((time) => at - time < LATE_TYPING_MS);
		if (recent.length === 0) this.lateBy.delete(userId);
		return recent;
	}

	/** The id late work under decided `id` goes to: the same one every time. */
	successor(id: string): string {
		let successor = this.successors.get(id);
		if (successor === undefined) {
			successor = newSuggestionId();
			this.successors.set(id, successor);
			this.predecessors.set(successor, id);
		}
		return successor;
	}

	/**
	 * The clock, read once per admission: every judgement of that admission's late typing (the
	 * tracked-change rules, then the marks) takes this one reading, so the window cannot close
	 * between them.
	 */
	clock(): number {
		return this.now();
	}

	/** Whether, at `at` (a reading of `clock`), some decision was learned so recently that its author may still be typing into it. */
	anyRecent(at: number): boolean {
		return at - this.lastLearned < LATE_TYPING_MS;
	}

	/**
	 * Unmarked text typed under the mark `markId` (see late-typing.ts): the decided id it belongs
	 * to and the successor it is marked with, while that decision is recent and has had fewer than
	 * MAX_LATE_TYPING late-typing updates, and its typist `userId` has late work left
	 * (lateWorkLeft); otherwise null. `markId` may be the
	 * successor itself: the previous late keystroke, already marked with it, which the next one may
	 * land just after. `at`: the admission's reading of `clock`.
	 */
	lateTyping(markId: string, at: number, userId: string): { decided: string; successor: string } | null {
		const decided = this.ids.has(markId) ? markId : this.predecessors.get(markId);
		if (decided === undefined || !this.ids.has(decided)) return null;
		if (at - (this.learned.get(decided) ?? -Infinity) >= LATE_TYPING_MS) return null;
		if (!this.lateWorkLeft(userId, at)) return null;
		return (this.typed.get(decided) ?? 0) < MAX_LATE_TYPING ? { decided, successor: this.successor(decided) } : null;
	}

	/** A decision that was admitted but could not be stored: its ids are open again. */
	remove(ids: readonly string[]): void {
		for (const id of ids) {
			this.ids.delete(id);
			this.learned.delete(id);
		}
	}
}

/**
 * A mark or term proposal that uses a decided id is not refused: its author was most likely still
 * typing it when the decision landed (the editor keeps a suggestion's id while its author types
 * next to it), and closing the connection would throw that typing away. Right behind it in the
 * write pipeline, the server moves it to a successor id of the same author and party, so the text
 * stays as a new open suggestion for the other side to decide, and the decided one stays closed.
 * One successor per decided id: a burst of late keystrokes stays one suggestion. Late typing that
 * carries no mark of its own is marked with the same successor in the entry that stores it
 * (late-typing-entry.ts), not here.
 */
export class LateSuggestions {
	constructor(
		private readonly decidedIds: DecidedIds,
		private readonly serverChange: (actorId: string, change: (doc: Y.Doc) => void) => void
	) {}

	/** Called once `intake` from `authorId` is admitted (and staged). */
	admitted(intake: Intake, doc: Y.Doc, authorId: string): void {
		if (this.decidedIds.size === 0) return;
		const moves = new Map<string, string>();
		for (const { id } of claimsOf(intake, placementsOf(intake, doc))) {
			if (!this.decidedIds.has(id) || moves.has(id)) continue;
			moves.set(id, this.decidedIds.successor(id));
		}
		if (moves.size === 0) return;
		this.decidedIds.noteLateMoves(moves.keys(), authorId, this.decidedIds.clock());
		this.serverChange(authorId, (work) => moveSuggestions(work, moves));
	}
}

/** Every mark and term proposal under a key of `moves` takes its value as its id; nothing else changes. */
export function moveSuggestions(doc: Y.Doc, moves: ReadonlyMap<string, string>): void {
	doc.transact(() => {
		for (const run of markedRuns(doc)) {
			const id = moves.get(run.attrs.id);
			if (id) run.text.format(run.index, run.length, { [run.kind]: { ...run.attrs, id } });
		}
		const proposals = doc.getMap<string>(TERM_PROPOSALS_FIELD);
		for (const [key, raw] of proposals) {
			const proposal = parseTermProposal(raw);
			const id = proposal && moves.get(proposal.id);
			if (id) proposals.set(key, encodeTermProposal({ ...proposal, id }));
		}
	});
}

/**
 * Honest late typing is what was in flight as the decision landed: a few updates. Past that, a
 * decided id is being reused on purpose, and each move would cost a scan of the document and a
 * stored change: refused, as any other forged mark.
 */
export const MAX_LATE_MOVES = 50;

export const decidedIdReuse: AdmissionCheck = ({ intake, author, lateTyping }, { doc, decidedIds }) => {
	if (author.kind === 'server' || decidedIds.size === 0) return null;
	for (const { id } of claimsOf(intake, placementsOf(intake, doc))) {
		// Per id, and per person across ids (one decision may close many suggestions at once).
		if (decidedIds.lateMoves(id) >= MAX_LATE_MOVES || (decidedIds.has(id) && !decidedIds.lateWorkLeft(author.userId, lateTyping?.at ?? decidedIds.clock())))
			return { code: CloseCode.updateRefused, reason: `keeps using suggestion id ${id}, which was already decided` };
	}
	// A decided id's format item deleted as it is written marks nothing: it could only be a place
	// for late typing to seem to continue the decided run from (late-typing.ts).
	for (const item of newItems(intake, placementsOf(intake, doc))) {
		if (!(item.content instanceof Y.ContentFormat) || !Y.isDeleted(intake.decoded.ds, item.id)) continue;
		const attrs = parseSuggestionAttrs(item.content.value);
		if (attrs && decidedIds.has(attrs.id))
			return { code: CloseCode.updateRefused, reason: `writes a removed mark of suggestion ${attrs.id}, which was already decided` };
	}
	return null;
};
