import * as Y from 'yjs';
import { BODY_FIELD, indexOfItem, insertionShownAt, markTypedUnder, typedAfter } from '../../../document';
import { INSERTION, parseSuggestionAttrs, type Party, type SuggestionAttrs } from '../../../redlines/types';
import { rootOf } from '../tracked/rules';
import type { DecodedUpdate, Intake } from '../update-intake';
import type { DecidedIds } from './decided-ids';
import type { AdmittedLateTyping } from './types';

/**
 * Late typing without a mark of its own. Typing on at the end of (or inside) one's own insertion,
 * the editor asks for the mark already there, and Yjs then writes no format item: the keystroke
 * is inside the run's format items. If the other side's decision removed those as the keystroke
 * was on its way, it lands as plain text, which the tracked-change rules would refuse (closing
 * the author's editor and losing the keystroke). It is admitted instead when all of this holds:
 *
 * - the update is plain text and nothing else: no format item, no deletion, no element (what the
 *   editor sends for a keystroke; a forged format item could otherwise steer the walk below);
 * - each character is by the writer, new in the update, and shown unmarked once the update is in;
 * - the character it was typed right after (its Yjs origin, through the update's own new
 *   characters) was inside a run of the writer's own insertion mark, as the writer last saw it
 *   (format items removed by the decision still count; a run's end does not let text after it in),
 *   or is shown under that decided id's successor (the previous late keystroke, marked);
 * - that mark's id was decided less than LATE_TYPING_MS before, with fewer than MAX_LATE_TYPING
 *   late updates.
 *
 * Then the server marks exactly those characters with the decided id's successor, a new open
 * suggestion of the author, in the same stored entry as the text (collab/late-typing-entry.ts):
 * the text is never stored without its mark. Nothing else unmarked goes in: not another party's
 * text, not next to another run, not a character past the run's end, not after the window; locked
 * clauses are refused earlier by the lock guard whatever the marks.
 */

/**
 * How long after a decision (from when this instance learned of it) unmarked typing may still
 * continue it. What can be in flight: the decision's commit and broadcast to the author, plus
 * keystrokes the author's editor sent before it took the decision in: one round trip and a
 * commit, well under a second on a working link; ten seconds leaves room for a slow one. Typing
 * that arrives later (an editor reconnecting after a drop) is refused as before: the editor
 * reloads. Judged once, when the update is admitted.
 */
export const LATE_TYPING_MS = 10_000;

/**
 * Late-typing updates per decided id: ten seconds of fast typing (ten keystrokes a second), one
 * update a keystroke; what is honestly in flight is a few. Past it the typing is refused as any
 * unmarked text.
 */
export const MAX_LATE_TYPING = 100;

/**
 * Late updates per person within any LATE_TYPING_MS, whatever decided ids they continue: late
 * typing (marked by the server) and late marks (moved by a server change, MAX_LATE_MOVES per id)
 * together. One decision may close many of a person's suggestions at once, and each late update
 * costs a server change, so the budget is the person's, not only the id's; past it, late typing
 * is refused as any unmarked text, and a decided id's mark as a reuse.
 */
export const MAX_LATE_WORK_PER_PERSON = MAX_LATE_TYPING;

/** Who typed: the person whose update is judged. */
export interface Typist {
	userId: string;
	side?: Party;
}

/** Whether an update is only new characters (the shape of a keystroke): the only updates late typing may be. */
export function plainTextOnly(decoded: DecodedUpdate): boolean {
	if (decoded.ds.clients.size > 0) return false;
	return decoded.structs.every((struct) => struct instanceof Y.Item && struct.content instanceof Y.ContentString);
}

/** The insertion mark the writer saw where they typed after `anchor`: its own format item, the mark shown at it, or the one removed from it. */
function markAt(anchor: Y.Item): SuggestionAttrs | null {
	if (anchor.content instanceof Y.ContentFormat && anchor.content.key === INSERTION) return parseSuggestionAttrs(anchor.content.value);
	const shown = anchor.deleted ? null : insertionShownAt(anchor);
	return shown ?? markTypedUnder(anchor);
}

/** The decided id that `item`, new unmarked text, is late typing under, and the mark it takes (its successor's); null when it is not late typing. */
export function lateTypingMark(
	doc: Y.Doc,
	item: Y.Item,
	isNew: (id: Y.ID) => boolean,
	typist: Typist,
	decided: DecidedIds,
	at: number
): { decided: string; mark: SuggestionAttrs } | null {
	if (!(item.content instanceof Y.ContentString) || !(item.parent instanceof Y.XmlText)) return null;
	const anchor = typedAfter(doc, item, isNew);
	const mark = anchor && markAt(anchor);
	if (!mark || mark.authorId !== typist.userId || (typist.side !== undefined && mark.party !== typist.side)) return null;
	return lateTypingUnder(mark, decided, at);
}

/** `mark`'s author is the typist (checked by each caller). */
function lateTypingUnder(mark: SuggestionAttrs, decided: DecidedIds, at: number): { decided: string; mark: SuggestionAttrs } | null {
	const late = decided.lateTyping(mark.id, at, mark.authorId);
	return late && { decided: late.decided, mark: { ...mark, id: late.successor } };
}

/** The content an update adds, per client: [from, to) clock ranges. */
export type AddedRanges = Map<number, Array<[number, number]>>;

export function addedRanges(intake: Intake): AddedRanges | null {
	const ranges: AddedRanges = new Map();
	for (const struct of intake.decoded.structs) {
		if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentString)) continue;
		const list = ranges.get(struct.id.client) ?? [];
		list.push([struct.id.clock, struct.id.clock + struct.length]);
		ranges.set(struct.id.client, list);
	}
	return ranges.size > 0 ? ranges : null;
}

const inRanges = (ranges: AddedRanges) => (id: Y.ID) => (ranges.get(id.client) ?? []).some(([from, to]) => id.clock >= from && id.clock < to);

/** The visible body text items of `doc` in `ranges`, each with the part of it in them. */
function* textIn(doc: Y.Doc, ranges: AddedRanges): Generator<{ item: Y.Item; text: Y.XmlText; offset: number; length: number }> {
	for (const [client, list] of ranges) {
		const structs = doc.store.clients.get(client) ?? [];
		for (const [from, to] of list) {
			if (from >= Y.getState(doc.store, client)) continue;
			for (let i = Y.findIndexSS(structs, from); i < structs.length && structs[i].id.clock < to; i++) {
				const item = structs[i];
				if (!(item instanceof Y.Item) || item.deleted || !(item.parent instanceof Y.XmlText) || rootOf(item) !== BODY_FIELD) continue;
				const start = Math.max(from, item.id.clock);
				yield { item, text: item.parent, offset: start - item.id.clock, length: Math.min(to, item.id.clock + item.length) - start };
			}
		}
	}
}

/**
 * Whether the server must look at what an admitted update added on a copy that has everything
 * staged (`shadow`: the tracked copy it was judged on, or null): text shown unmarked there (late
 * typing), or still under a decided id (its decision staged but not in the tracked copy yet;
 * once it is stored, that text is unmarked).
 */
export function mayBeLateTyping(shadow: Y.Doc | null, ranges: AddedRanges, decided: DecidedIds): boolean {
	if (shadow === null) return true;
	for (const { item } of textIn(shadow, ranges)) {
		const shown = insertionShownAt(item);
		if (shown === null || decided.has(shown.id)) return true;
	}
	return false;
}

/** One run of late typing to mark: `length` characters from `index` of `text`. */
export interface LateMark {
	text: Y.XmlText;
	index: number;
	length: number;
	attrs: SuggestionAttrs;
	/** The decided id it continues. */
	decided: string;
	/** The characters' Yjs ids: `length` of `client` from `clock`. */
	client: number;
	clock: number;
}

const NOT_MARKED = 'adds text that is not marked as your party’s insertion';

/**
 * On `work` (the room's document, everything staged, and the update whose new text is `ranges`):
 * the late typing to mark, or why the update is refused. Text shown under the writer's own mark
 * needs nothing; text under a decided id is its marks' move (LateSuggestions); any other unmarked
 * character must be late typing, in an update that is plain text only.
 */
export function planLateTyping(
	work: Y.Doc,
	decoded: DecodedUpdate,
	ranges: AddedRanges,
	typist: Required<Typist>,
	decided: DecidedIds,
	at: number
): LateMark[] | string {
	const isNew = inRanges(ranges);
	const marks: LateMark[] = [];
	const plainText = plainTextOnly(decoded);
	for (const { item, text, offset, length } of textIn(work, ranges)) {
		const shown = insertionShownAt(item);
		if (shown && (shown.party !== typist.side || shown.authorId !== typist.userId)) return NOT_MARKED;
		// Own open mark; or a decided id's mark the update writes itself (LateSuggestions moves it).
		if (shown && (!decided.has(shown.id) || !plainText)) continue;
		// Unmarked, or still under a decided id whose decision has not reached this copy (made on another instance).
		const late = shown ? lateTypingUnder(shown, decided, at) : lateTypingMark(work, item, isNew, typist, decided, at);
		if (!late) return NOT_MARKED;
		// Indices before any formatting (which inserts format items but moves no character).
		const { client, clock } = item.id;
		marks.push({ index: indexOfItem(text, item) + offset, text, length, attrs: late.mark, decided: late.decided, client, clock: clock + offset });
	}
	if (marks.length > 0 && !plainText) return 'late typing may hold nothing but text';
	return marks;
}

/**
 * Whether `plan` marks every character the tracked-change rules admitted as late typing, each with
 * the successor they admitted it under: what was admitted unmarked is never stored unmarked.
 */
export function coversAdmitted(plan: readonly LateMark[], admitted: readonly AdmittedLateTyping[]): boolean {
	return admitted.every(({ client, clock, length, successor }) => {
		const runs = plan.filter((mark) => mark.client === client && mark.attrs.id === successor).sort((a, b) => a.clock - b.clock);
		let next = clock;
		for (const run of runs) if (run.clock <= next && run.clock + run.length > next) next = run.clock + run.length;
		return next >= clock + length;
	});
}

/**
 * Formats each run with its successor's mark (one transaction), then checks that every character
 * of `ranges` is shown under an open mark of the typist's: the reason if one is not.
 */
export function markLateTyping(work: Y.Doc, marks: readonly LateMark[], ranges: AddedRanges, typist: Required<Typist>, decided: DecidedIds): string | null {
	work.transact(() => {
		for (const { text, index, length, attrs } of marks) text.format(index, length, { [INSERTION]: attrs });
	});
	for (const { item } of textIn(work, ranges)) {
		const shown = insertionShownAt(item);
		if (!shown || shown.party !== typist.side || shown.authorId !== typist.userId || decided.has(shown.id)) return NOT_MARKED;
	}
	return null;
}
