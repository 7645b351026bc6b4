import { Selection, type EditorState, type Transaction } from '@tiptap/pm/state';
import { AddMarkStep, RemoveMarkStep, ReplaceStep, type Step } from '@tiptap/pm/transform';
import type { Node as PMNode } from '@tiptap/pm/model';
import { copyMeta, SUGGESTION_META } from './meta';

/**
 * y-prosemirror syncs a transaction by diffing whole blocks, and when several neighbouring
 * blocks changed at once it may pair them up wrongly (re-creating a paragraph's text inside
 * another's, which the server refuses as unmarked new text). It pairs correctly when a block
 * change comes alone, with its neighbours untouched. So a suggestion is dispatched in parts:
 * the text edits (marks, insertions, deletions within paragraphs) together, each structural
 * step (split, removed empty paragraph, pasted blocks) on its own.
 */
export function syncParts(tr: Transaction): Step[][] {
	const parts: Step[][] = [];
	let text: Step[] | null = null;
	tr.steps.forEach((step, i) => {
		if (isTextStep(step, tr.docs[i])) {
			if (!text) parts.push((text = []));
			text.push(step);
		} else {
			parts.push([step]);
			text = null;
		}
	});
	return parts;
}

function isTextStep(step: Step, doc: PMNode): boolean {
	if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) return true;
	if (!(step instanceof ReplaceStep) || step.slice.openStart !== 0 || step.slice.openEnd !== 0) return false;
	const $from = doc.resolve(step.from);
	let inline = true;
	step.slice.content.forEach((node) => (inline &&= node.isInline));
	return inline && $from.parent.inlineContent && $from.sameParent(doc.resolve(step.to));
}

/**
 * Dispatches `tracked` in sync parts through `apply`, which returns the state after dispatching
 * (or null to stop). The last part carries the selection, metadata and scrolling; a part that no
 * longer applies (a filter refused the previous one) ends the run.
 */
export function dispatchInParts(state: EditorState, tracked: Transaction, apply: (tr: Transaction) => EditorState | null): void {
	const parts = syncParts(tracked);
	if (parts.length <= 1) {
		apply(tracked);
		return;
	}
	let current: EditorState | null = state;
	for (let k = 0; k < parts.length && current; k++) {
		const tr = current.tr.setMeta(SUGGESTION_META, true);
		for (const step of parts[k]) if (tr.maybeStep(step).failed) return;
		if (k === parts.length - 1) {
			if (!tr.doc.eq(tracked.doc)) return;
			copyMeta(tracked, tr);
			tr.setSelection(Selection.fromJSON(tr.doc, tracked.selection.toJSON()));
			if (tracked.scrolledIntoView) tr.scrollIntoView();
		}
		current = apply(tr);
	}
}
