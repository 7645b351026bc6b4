import { Slice, type Node as PMNode, type ResolvedPos } from '@tiptap/pm/model';
import type { Transaction } from '@tiptap/pm/state';
import { ReplaceStep } from '@tiptap/pm/transform';
import { isOwnPending, type SuggestContext } from './attrs';

/**
 * Block structure while suggesting. y-prosemirror turns a split or join into "delete the text
 * after the cut, re-create it in a new paragraph", and re-created text would be new text without
 * the writer's insertion mark, which the server refuses. So a textblock may only be cut where the
 * text after the cut is empty or the user's own pending insertion — or at its very start when
 * nothing is added to it (the original paragraph then survives intact as the second one).
 */
export function canCutAt($pos: ResolvedPos, slice: Slice, ctx: SuggestContext): boolean {
	const parent = $pos.parent;
	if (!parent.inlineContent) return slice.openStart === 0 && slice.openEnd === 0;
	let tailOwn = true;
	parent.forEach((node, offset) => {
		if (offset >= $pos.parentOffset && !isOwnPending(node, ctx)) tailOwn = false;
	});
	// A text node that straddles the cut is checked whole: the part after the cut has its marks.
	const straddling = $pos.textOffset > 0 ? $pos.parent.child($pos.index()) : null;
	if (straddling && !isOwnPending(straddling, ctx)) tailOwn = false;
	if (tailOwn) return true;
	return $pos.parentOffset === 0 && !fragmentHas(slice.content, (node) => node.isInline);
}

/** Whether any node of `content`, at any depth, passes `test` (the walk stops at the first). */
export function fragmentHas(content: PMNode['content'], test: (node: PMNode) => boolean): boolean {
	let found = false;
	content.descendants((node) => {
		if (test(node)) found = true;
		return !found;
	});
	return found;
}

/**
 * After a tracked deletion across blocks: removes the textblocks overlapping [from, to] that are
 * now empty (empty paragraphs may come and go), keeping the first when all of them are.
 */
export function removeEmptyTextblocks(tr: Transaction, from: number, to: number): number {
	const touched: { pos: number; node: PMNode }[] = [];
	tr.doc.nodesBetween(from, to, (node, pos) => {
		if (!node.isTextblock) return true;
		touched.push({ pos, node });
		return false;
	});
	const empty = touched.filter(({ node }) => node.content.size === 0);
	const doomed = empty.length === touched.length ? empty.slice(1) : empty;
	let removed = 0;
	// From the end, so that earlier positions stay valid.
	for (const { pos, node } of doomed.reverse()) {
		// Refused by the schema (the only paragraph of a cell or clause): it stays.
		if (!tr.maybeStep(new ReplaceStep(pos, pos + node.nodeSize, Slice.empty)).failed) removed++;
	}
	return removed;
}
