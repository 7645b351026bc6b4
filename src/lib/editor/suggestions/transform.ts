import { Selection, TextSelection, type EditorState, type Transaction } from '@tiptap/pm/state';
import { Mapping, ReplaceStep } from '@tiptap/pm/transform';
import type { SuggestContext } from './attrs';
import { deletionRunEnd, deletionRunStart } from './inline';
import { replaceAsSuggestion, type ReplaceOutcome } from './replace';
import { otherStepAsSuggestion } from './other-steps';
import type { Notice } from './notices';
import { copyMeta, SUGGESTION_META } from './meta';

export interface SuggestOutcome {
	/** What to dispatch instead; null: drop the change altogether. */
	tr: Transaction | null;
	/** Something to tell the user (a change refused or adjusted). */
	notice: Notice | null;
}

type DeletionInfo = NonNullable<ReplaceOutcome['deleted']> & { step: ReplaceStep; at: number };

/**
 * Replays a local transaction as tracked suggestions (pure: state in, transaction out).
 * Each step is mapped onto the rebuilt transaction: its positions are taken back to the start
 * document through the original steps, then forward through what was actually done.
 */
export function suggestTransaction(state: EditorState, tr: Transaction, ctx: SuggestContext): SuggestOutcome {
	if (!tr.docChanged) return { tr, notice: null };
	const out = state.tr;
	let notice: Notice | null = null;
	let caret: { pos: number; at: number } | null = null;
	let deletion: DeletionInfo | null = null;
	for (let i = 0; i < tr.steps.length; i++) {
		const step = tr.steps[i];
		const map = stepMapping(tr, i, out);
		if (step instanceof ReplaceStep) {
			const from = map.map(step.from, 1);
			const to = Math.max(from, map.map(step.to, -1));
			const result = replaceAsSuggestion(out, from, to, step.slice, ctx);
			if (result.refused) return { tr: null, notice: result.refused };
			notice = result.notice ?? notice;
			if (result.caret !== undefined) caret = { pos: result.caret, at: out.steps.length };
			if (result.deleted) deletion = { ...result.deleted, step, at: out.steps.length };
		} else {
			notice = otherStepAsSuggestion(out, step, map, ctx) ?? notice;
		}
	}
	copyMeta(tr, out);
	out.setMeta(SUGGESTION_META, true);
	if (caret) {
		place(out, out.mapping.slice(caret.at).map(caret.pos, 1));
	} else if (deletion && tr.steps.length === 1) {
		placeAfterDeletion(state, out, deletion);
	} else {
		keepSelection(tr, out);
	}
	if (tr.scrolledIntoView) out.scrollIntoView();
	return { tr: out, notice };
}

/** From the document step `index` applied to, back to the start, then forward through `out`. */
function stepMapping(tr: Transaction, index: number, out: Transaction): Mapping {
	// Mapping.slice() is not honoured by appendMapping*, so the maps are added one by one.
	const map = new Mapping();
	for (let j = index - 1; j >= 0; j--) map.appendMap(tr.mapping.maps[j].invert());
	for (const stepMap of out.mapping.maps) map.appendMap(stepMap);
	return map;
}

/**
 * Backspace leaves the caret before what it marked, Delete after it; over text that was already
 * deleted the caret jumps the whole run (as in Word). A selection ends up after the struck text.
 */
function placeAfterDeletion(state: EditorState, out: Transaction, deletion: DeletionInfo): void {
	const map = out.mapping.slice(deletion.at);
	const from = map.map(deletion.from, -1);
	const to = map.map(deletion.to, 1);
	const { selection } = state;
	if (!selection.empty) return place(out, to);
	const backward = selection.head >= deletion.step.to;
	if (deletion.changed || deletion.crossBlock) return place(out, backward ? from : to);
	return place(out, backward ? deletionRunStart(out.doc, from) : deletionRunEnd(out.doc, to));
}

function place(out: Transaction, pos: number): void {
	const $pos = out.doc.resolve(Math.max(0, Math.min(pos, out.doc.content.size)));
	out.setSelection($pos.parent.inlineContent ? TextSelection.create(out.doc, $pos.pos) : Selection.near($pos));
}

/** The selection the user's transaction ended with, carried onto the rebuilt document. */
function keepSelection(tr: Transaction, out: Transaction): void {
	const map = new Mapping();
	map.appendMappingInverted(tr.mapping);
	map.appendMapping(out.mapping);
	try {
		out.setSelection(tr.selection.map(out.doc, map));
	} catch {
		// Unmappable (a node selection whose node is gone): the default mapped selection stays.
	}
}
