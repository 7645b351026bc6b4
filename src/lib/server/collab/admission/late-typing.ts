import * as Y from 'yjs';
import { BODY_FIELD, indexOfItem, insertionShownAt, markTypedUnder, typedAfter } from '../../../document';
import { INSERTION, type Party, type SuggestionAttrs } from '../../../redlines/types';
import { rootOf } from '../tracked/rules';
import type { Intake } from '../update-intake';
import type { DecidedIds } from './decided-ids';

/**
 * Late typing without a mark of its own. Typing on at the end of (or inside) one's own insertion,
 * the editor asks for the mark already there, and Yjs then writes no format item: the keystroke
 * is inside the run's format items. If the other side's decision removed those as the keystroke
 * was on its way, it lands as plain text, which the tracked-change rules would refuse (closing
 * the author's editor and losing the keystroke). It is admitted instead when all of this holds:
 *
 * - it is text, new in the update, by the writer, and shown unmarked once the update is in;
 * - the character it was typed right after (its Yjs origin, through the update's own new
 *   characters) was inside a run of the writer's own insertion mark, as the writer last saw it
 *   (format items removed by the decision still count; a run's end does not let text after it in);
 * - that mark's id was decided less than LATE_TYPING_MS before (or is the successor of such an
 *   id: the previous late keystroke, already marked), with fewer than MAX_LATE_MOVES late updates.
 *
 * Then the server change behind it (LateSuggestions) marks it with the decided id's successor, a
 * new open suggestion of the author. Nothing else unmarked goes in: not another party's text,
 * not next to another run, not a character past the run's end, not after the window; locked
 * clauses are refused earlier by the lock guard whatever the marks. A hostile client gains
 * nothing by it: its text ends as its own open suggestion, as if it had marked it itself.
 */

/**
 * How long after a decision (from when this instance learned of it) unmarked typing may still
 * continue it. What can be in flight: the decision's commit and broadcast to the author, plus
 * keystrokes the author's editor sent before it took the decision in: one round trip and a
 * commit, well under a second on a working link; ten seconds leaves room for a slow one. Typing
 * that arrives later (an editor reconnecting after a drop) is refused as before: the editor
 * reloads.
 */
export const LATE_TYPING_MS = 10_000;

/** Who typed: the person whose update is judged. */
export interface Typist {
	userId: string;
	side?: Party;
}

/** The decided id that `item`, new unmarked text, is late typing under, and the mark it takes (its successor's); null when it is not late typing. */
export function lateTypingMark(
	doc: Y.Doc,
	item: Y.Item,
	isNew: (id: Y.ID) => boolean,
	typist: Typist,
	decided: DecidedIds
): { decided: string; mark: SuggestionAttrs } | null {
	if (!(item.content instanceof Y.ContentString) || !(item.parent instanceof Y.XmlText)) return null;
	const anchor = typedAfter(doc, item, isNew);
	const mark = anchor && markTypedUnder(anchor);
	if (!mark || mark.authorId !== typist.userId || (typist.side !== undefined && mark.party !== typist.side)) return null;
	const late = decided.lateTyping(mark.id);
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

/** The visible text items of `doc` in `ranges`, each with the part of it in them. */
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
 * Whether the server must look at what an admitted update added (`shadow`: the tracked copy it
 * was judged on, or null): text shown unmarked that is late typing, or text still under a decided
 * id there (its decision staged but not in the copy yet; once it is stored, that text is unmarked).
 */
export function mayBeLateTyping(shadow: Y.Doc | null, ranges: AddedRanges, authorId: string, decided: DecidedIds): boolean {
	if (shadow === null) return true;
	const isNew = inRanges(ranges);
	for (const { item } of textIn(shadow, ranges)) {
		const shown = insertionShownAt(item);
		if (shown ? decided.has(shown.id) : lateTypingMark(shadow, item, isNew, { userId: authorId }, decided)) return true;
	}
	return false;
}

/**
 * Marks the late typing among `ranges` (what one admitted update added, by `authorId`) with its
 * decided id's successor, on the server's copy of the document; counts one late move per decided
 * id. Text that is not late typing is left as it is (it was judged on admission).
 */
export function markLateTyping(work: Y.Doc, ranges: AddedRanges, authorId: string, decided: DecidedIds): void {
	const isNew = inRanges(ranges);
	const marks: Array<{ index: number; text: Y.XmlText; length: number; attrs: SuggestionAttrs }> = [];
	const moved = new Set<string>();
	for (const { item, text, offset, length } of textIn(work, ranges)) {
		if (insertionShownAt(item)) continue;
		const late = lateTypingMark(work, item, isNew, { userId: authorId }, decided);
		if (!late) continue;
		// Indices before any formatting (which inserts format items but moves no character).
		marks.push({ index: indexOfItem(text, item) + offset, text, length, attrs: late.mark });
		moved.add(late.decided);
	}
	if (marks.length === 0) return;
	work.transact(() => {
		for (const { text, index, length, attrs } of marks) text.format(index, length, { [INSERTION]: attrs });
	});
	for (const id of moved) decided.noteLateMove(id);
}
