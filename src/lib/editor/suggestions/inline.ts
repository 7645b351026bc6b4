import { Fragment, type Node as PMNode } from '@tiptap/pm/model';
import type { Transaction } from '@tiptap/pm/state';
import { DELETION, INSERTION, type SuggestionAttrs } from '../../redlines/types';
import { adjacentOwn, deletionOf, freshAttrs, insertionOf, isSuggestionMark, suggestionMarkType, type SuggestContext } from './attrs';

export interface DeletionResult {
	/** Something was marked or removed. */
	changed: boolean;
	/** A term (or other inline atom) in the range was left in place. */
	keptAtoms: boolean;
}

/**
 * Tracks the deletion of [from, to) in tr.doc: the user's own party's pending insertions are
 * really removed, other text gets a deletion mark, text already marked deleted and inline atoms
 * (terms cannot carry marks in Yjs) stay as they are. Block structure is left alone.
 */
export function trackDeletion(tr: Transaction, from: number, to: number, ctx: SuggestContext): DeletionResult {
	const remove: [number, number][] = [];
	const mark: [number, number][] = [];
	let keptAtoms = false;
	tr.doc.nodesBetween(from, to, (node, pos) => {
		if (!node.isInline) return true;
		if (!node.isText) {
			keptAtoms ||= pos >= from && pos + node.nodeSize <= to;
			return false;
		}
		const start = Math.max(pos, from);
		const end = Math.min(pos + node.nodeSize, to);
		if (start >= end) return false;
		if (insertionOf(node)?.party === ctx.user.side) push(remove, start, end);
		else if (!deletionOf(node)) push(mark, start, end);
		return false;
	});
	if (mark.length > 0) {
		const attrs = adjacentOwn(tr.doc, from, to, DELETION, ctx) ?? freshAttrs(ctx);
		const type = suggestionMarkType(tr.doc.type.schema, DELETION);
		for (const [start, end] of mark) tr.addMark(start, end, type.create(attrs));
	}
	// Right to left, so that earlier ranges keep their positions; one step per text run.
	for (const [start, end] of remove.reverse()) tr.delete(start, end);
	return { changed: mark.length > 0 || remove.length > 0, keptAtoms };
}

/** Adjacent text nodes (different formatting) form one range; a term in between splits it. */
function push(ranges: [number, number][], start: number, end: number): void {
	const last = ranges[ranges.length - 1];
	if (last && last[1] === start) last[1] = end;
	else ranges.push([start, end]);
}

/** Inside a run of deleted text, new text goes after the run (as Word does). */
export function afterDeletionRun(doc: PMNode, pos: number): number {
	const $pos = doc.resolve(pos);
	if (!deletionOf($pos.nodeBefore) || !deletionOf($pos.nodeAfter)) return pos;
	for (;;) {
		const after = doc.resolve(pos).nodeAfter;
		if (!after?.isText || !deletionOf(after)) return pos;
		pos += after.nodeSize;
	}
}

/** Where Backspace over already deleted text should put the caret: before the whole run. */
export function deletionRunStart(doc: PMNode, pos: number): number {
	for (;;) {
		const before = doc.resolve(pos).nodeBefore;
		if (!before?.isText || !deletionOf(before)) return pos;
		pos -= before.nodeSize;
	}
}

export function deletionRunEnd(doc: PMNode, pos: number): number {
	for (;;) {
		const after = doc.resolve(pos).nodeAfter;
		if (!after?.isText || !deletionOf(after)) return pos;
		pos += after.nodeSize;
	}
}

export interface MarkedContent {
	content: Fragment;
	/** Inline atoms (terms, line breaks) were left out: they cannot be suggested. */
	droppedAtoms: boolean;
	/** Some text is in it. */
	hasText: boolean;
}

/**
 * Content to insert as a suggestion: every text node carries an insertion mark with `attrs`
 * (any suggestion marks it was copied with are dropped), and inline atoms are left out.
 */
export function markInserted(fragment: Fragment, attrs: SuggestionAttrs): MarkedContent {
	const result: MarkedContent = { content: Fragment.empty, droppedAtoms: false, hasText: false };
	result.content = mapFragment(fragment, attrs, result);
	return result;
}

function mapFragment(fragment: Fragment, attrs: SuggestionAttrs, result: MarkedContent): Fragment {
	const nodes: PMNode[] = [];
	fragment.forEach((node) => {
		if (node.isText) {
			const type = suggestionMarkType(node.type.schema, INSERTION);
			const kept = node.marks.filter((mark) => !isSuggestionMark(mark));
			nodes.push(node.mark(type.create(attrs).addToSet(kept)));
			result.hasText = true;
		} else if (node.isInline) {
			result.droppedAtoms = true;
		} else {
			nodes.push(node.copy(mapFragment(node.content, attrs, result)));
		}
	});
	return Fragment.from(nodes);
}

/** Attributes for text inserted at `pos`: continue the user's own insertion there, else a new one. */
export function insertionAttrs(doc: PMNode, pos: number, ctx: SuggestContext): SuggestionAttrs {
	return adjacentOwn(doc, pos, pos, INSERTION, ctx) ?? freshAttrs(ctx);
}
