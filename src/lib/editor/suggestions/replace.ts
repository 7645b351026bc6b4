import { Fragment, Slice } from '@tiptap/pm/model';
import type { Transaction } from '@tiptap/pm/state';
import { ReplaceStep } from '@tiptap/pm/transform';
import type { SuggestContext } from './attrs';
import { afterDeletionRun, insertionAttrs, markInserted, trackDeletion } from './inline';
import { canCutAt, fragmentHas, removeEmptyTextblocks } from './structure';
import { NOTICES, type Notice } from './notices';

export interface ReplaceOutcome {
	/** The whole transaction must be dropped (a cut the server would refuse). */
	refused?: Notice;
	notice?: Notice;
	/** Where the caret belongs after inserted content (in tr.doc right after this step). */
	caret?: number;
	/** Nothing was inserted: what the deletion did. */
	deleted?: { from: number; to: number; changed: boolean; crossBlock: boolean };
}

/**
 * One ReplaceStep of the user's transaction, replayed as a suggestion on `tr` (from/to already
 * mapped onto tr.doc): the range is deleted as tracked text, then the slice is inserted as a
 * marked insertion after it.
 */
export function replaceAsSuggestion(tr: Transaction, from: number, to: number, slice: Slice, ctx: SuggestContext): ReplaceOutcome {
	const outcome: ReplaceOutcome = {};
	const start = tr.steps.length;
	const $from = tr.doc.resolve(from);
	const crossBlock = !$from.sameParent(tr.doc.resolve(to));
	let changed = false;
	if (from < to) {
		const result = trackDeletion(tr, from, to, ctx);
		changed = result.changed;
		if (result.keptAtoms) outcome.notice = NOTICES.terms;
		if (crossBlock && slice.size === 0) {
			const map = tr.mapping.slice(start);
			const removed = removeEmptyTextblocks(tr, map.map(from, 1), map.map(to, -1));
			changed ||= removed > 0;
			if (removed === 0 && !result.changed) outcome.notice = NOTICES.join;
		}
	}
	const map = tr.mapping.slice(start);
	const end = Math.max(map.map(from, 1), map.map(to, -1));
	if (slice.size === 0) {
		outcome.deleted = { from: Math.min(map.map(from, 1), end), to: end, changed, crossBlock };
		return outcome;
	}
	return insertAsSuggestion(tr, from < to ? end : map.map(from, 1), slice, ctx, outcome);
}

function insertAsSuggestion(tr: Transaction, pos: number, slice: Slice, ctx: SuggestContext, outcome: ReplaceOutcome): ReplaceOutcome {
	const inline = inlineContent(slice);
	pos = afterDeletionRun(tr.doc, pos);
	const $pos = tr.doc.resolve(pos);
	if (inline && $pos.parent.inlineContent) {
		const marked = markInserted(inline, insertionAttrs(tr.doc, pos, ctx));
		if (marked.droppedAtoms) outcome.notice = NOTICES.terms;
		if (marked.content.size > 0) tr.insert(pos, marked.content);
		outcome.caret = pos + marked.content.size;
		return outcome;
	}
	if (!canCutAt($pos, slice, ctx)) return { refused: slice.openStart > 0 && fragmentHas(slice.content, (node) => node.isText) ? NOTICES.paste : NOTICES.split };
	const marked = markInserted(slice.content, insertionAttrs(tr.doc, pos, ctx));
	if (marked.droppedAtoms) outcome.notice = NOTICES.terms;
	const before = tr.steps.length;
	if (tr.maybeStep(new ReplaceStep(pos, pos, new Slice(marked.content, slice.openStart, slice.openEnd))).failed) {
		return { refused: NOTICES.split };
	}
	outcome.caret = tr.mapping.slice(before).map(pos, 1);
	return outcome;
}

/**
 * The slice as plain inline content when it is that (typing, pasting within a paragraph),
 * unwrapping the single open textblock a paste usually comes in.
 */
export function inlineContent(slice: Slice): Fragment | null {
	let { content, openStart, openEnd } = slice;
	while (openStart > 0 && openEnd > 0 && content.childCount === 1 && !content.firstChild!.isInline) {
		content = content.firstChild!.content;
		openStart--;
		openEnd--;
	}
	if (openStart !== 0 || openEnd !== 0) return null;
	let inline = true;
	content.forEach((node) => {
		if (!node.isInline) inline = false;
	});
	return inline ? content : null;
}
