import type { Editor } from '@tiptap/core';
import { absolutePositionToRelativePosition } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { suggestionRange } from './collect';
import { commentHighlightsKey, resolveAnchor, yBinding, type CommentAnchor, type HighlightedAnchor } from './comment-highlights';

export type { CommentAnchor, HighlightedAnchor };

/** What MouEditor offers the panels beside it (comments): anchors in the live text. */
export interface EditorApi {
	/** The current selection as a Yjs-anchored range with its text (≤ 300 chars); null when nothing is selected. */
	selectionAnchor(): { anchor: CommentAnchor; quote: string } | null;
	/** Selects the anchored text and scrolls to it; false when that text no longer exists. */
	scrollToAnchor(anchor: CommentAnchor): boolean;
	/** Shows these ranges highlighted (class `comment-highlight`, plus `is-active`). */
	highlightAnchors(list: HighlightedAnchor[]): void;
	/**
	 * Scrolls a tracked change to the middle of the window; with `focus`, also selects it and puts
	 * keyboard focus there. False when it is no longer in the text.
	 */
	revealSuggestion(id: string, focus: boolean): boolean;
}

export const MAX_QUOTE_LENGTH = 300;

/** Selects [from, to], scrolls it to the middle of the window and puts keyboard focus there. */
export function revealRange(editor: Editor, from: number, to: number): void {
	editor.chain().setTextSelection({ from, to }).scrollIntoView().run();
	const { node } = editor.view.domAtPos(from);
	const element = node instanceof Element ? node : node.parentElement;
	element?.scrollIntoView({ behavior: 'smooth', block: 'center' });
	editor.view.focus();
}

/** The API for the panels, plus `refresh` for MouEditor to call when it made a new editor. */
export function createEditorApi(getEditor: () => Editor | null): { api: EditorApi; refresh(): void } {
	let pending: HighlightedAnchor[] = [];
	const api: EditorApi = {
		selectionAnchor() {
			const editor = getEditor();
			const binding = editor && yBinding(editor.state);
			if (!editor || !binding) return null;
			const { from, to, empty } = editor.state.selection;
			if (empty) return null;
			const relative = (pos: number) => Y.relativePositionToJSON(absolutePositionToRelativePosition(pos, binding.type, binding.mapping as never));
			const quote = editor.state.doc.textBetween(from, to, ' ', ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_QUOTE_LENGTH);
			return { anchor: { from: relative(from), to: relative(to) }, quote };
		},
		scrollToAnchor(anchor) {
			const editor = getEditor();
			const binding = editor && yBinding(editor.state);
			const range = binding && resolveAnchor(binding, anchor);
			if (!editor || !range || range.to > editor.state.doc.content.size) return false;
			revealRange(editor, range.from, range.to);
			return true;
		},
		revealSuggestion(id, focus) {
			const editor = getEditor();
			const range = editor && !editor.isDestroyed ? suggestionRange(editor.state.doc, id) : null;
			if (!editor || !range) return false;
			if (focus) {
				revealRange(editor, range.from, range.to);
				return true;
			}
			const { node, offset } = editor.view.domAtPos(range.from);
			const at = node.childNodes[offset] ?? node;
			(at instanceof Element ? at : at.parentElement)?.scrollIntoView({ behavior: 'smooth', block: 'center' });
			return true;
		},
		highlightAnchors(list) {
			// Panels call this from effects: an unchanged list must not cause another transaction.
			if (JSON.stringify(list) === JSON.stringify(pending)) return;
			pending = list;
			const editor = getEditor();
			if (editor && !editor.isDestroyed) editor.view.dispatch(editor.state.tr.setMeta(commentHighlightsKey, pending));
		}
	};
	// A reconnect builds a new editor: it gets the highlights the panel last asked for.
	const refresh = () => {
		const editor = getEditor();
		if (editor && !editor.isDestroyed && pending.length > 0) editor.view.dispatch(editor.state.tr.setMeta(commentHighlightsKey, pending));
	};
	return { api, refresh };
}
