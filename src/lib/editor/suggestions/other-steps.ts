import type { Node as PMNode } from '@tiptap/pm/model';
import type { Transaction } from '@tiptap/pm/state';
import { AddMarkStep, AddNodeMarkStep, AttrStep, RemoveMarkStep, RemoveNodeMarkStep, ReplaceAroundStep, type Mapping, type Step } from '@tiptap/pm/transform';
import { isSuggestionMark, onlyOwnPending, type SuggestContext } from './attrs';
import { NOTICES, type Notice } from './notices';
import { fragmentHas } from './structure';

/**
 * Formatting, node type and attribute changes, and wrapping/lifting (ReplaceAroundStep) are not
 * suggestions we can express: in Yjs they rewrite or re-create existing text. They go through
 * only inside the user's own pending insertion; anything else is dropped with a notice.
 */
export function otherStepAsSuggestion(out: Transaction, step: Step, map: Mapping, ctx: SuggestContext): Notice | null {
	const mapped = step.map(map);
	if (!mapped) return null;
	if ((mapped instanceof AddMarkStep || mapped instanceof RemoveMarkStep) && isSuggestionMark(mapped.mark)) return null;
	const range = affectedRange(mapped, out.doc);
	if (!range || !onlyOwnPending(out.doc, range.from, range.to, ctx)) return NOTICES.format;
	if (mapped instanceof ReplaceAroundStep && fragmentHas(mapped.slice.content, (node) => node.isInline)) return NOTICES.format;
	return out.maybeStep(mapped).failed ? NOTICES.format : null;
}

function affectedRange(step: Step, doc: PMNode): { from: number; to: number } | null {
	if (step instanceof AddMarkStep || step instanceof RemoveMarkStep || step instanceof ReplaceAroundStep) {
		return { from: step.from, to: step.to };
	}
	if (step instanceof AttrStep || step instanceof AddNodeMarkStep || step instanceof RemoveNodeMarkStep) {
		const node = doc.nodeAt(step.pos);
		return node ? { from: step.pos, to: step.pos + node.nodeSize } : null;
	}
	// DocAttrStep and step types we do not know.
	return null;
}
