import { Extension } from '@tiptap/core';
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { isFromYjs } from '../clause-lock';

/** A comment's place in the text: Yjs relative positions (JSON), stable across everyone's edits. */
export interface CommentAnchor {
	from: unknown;
	to: unknown;
}

export interface HighlightedAnchor {
	id: string;
	anchor: CommentAnchor;
	active?: boolean;
}

interface Binding {
	type: Y.XmlFragment;
	doc: Y.Doc;
	mapping: Map<unknown, unknown>;
}

interface HighlightState {
	anchors: HighlightedAnchor[];
	decorations: DecorationSet;
}

export const commentHighlightsKey = new PluginKey<HighlightState>('commentHighlights');

export function yBinding(state: EditorState): Binding | null {
	return (ySyncPluginKey.getState(state) as { binding?: Binding } | undefined)?.binding ?? null;
}

/** The anchor's current range, or null when its text is gone (or the anchor is malformed). */
export function resolveAnchor(binding: Binding, anchor: CommentAnchor): { from: number; to: number } | null {
	try {
		const at = (json: unknown) =>
			relativePositionToAbsolutePosition(binding.doc, binding.type, Y.createRelativePositionFromJSON(json), binding.mapping as never);
		const from = at(anchor.from);
		const to = at(anchor.to);
		return from === null || to === null || to <= from ? null : { from, to };
	} catch {
		return null;
	}
}

function decorate(state: EditorState, anchors: HighlightedAnchor[]): DecorationSet {
	const binding = yBinding(state);
	if (!binding || anchors.length === 0) return DecorationSet.empty;
	const size = state.doc.content.size;
	const decorations: Decoration[] = [];
	for (const { id, anchor, active } of anchors) {
		const range = resolveAnchor(binding, anchor);
		if (!range || range.to > size) continue;
		decorations.push(Decoration.inline(range.from, range.to, { class: active ? 'comment-highlight is-active' : 'comment-highlight', 'data-comment': id }));
	}
	return DecorationSet.create(state.doc, decorations);
}

/**
 * Comment ranges as decorations. Local edits map them along; a Yjs render (remote edits,
 * reload) rebuilds the document, so they are resolved again from their relative positions.
 */
export function commentHighlights(): Plugin<HighlightState> {
	return new Plugin<HighlightState>({
		key: commentHighlightsKey,
		state: {
			init: () => ({ anchors: [], decorations: DecorationSet.empty }),
			apply(tr: Transaction, value, _old, state) {
				const anchors = tr.getMeta(commentHighlightsKey) as HighlightedAnchor[] | undefined;
				if (anchors) return { anchors, decorations: decorate(state, anchors) };
				if (!tr.docChanged) return value;
				if (isFromYjs(tr)) return { anchors: value.anchors, decorations: decorate(state, value.anchors) };
				return { anchors: value.anchors, decorations: value.decorations.map(tr.mapping, tr.doc) };
			}
		},
		props: {
			decorations: (state) => commentHighlightsKey.getState(state)?.decorations
		}
	});
}

export const CommentHighlights = Extension.create({
	name: 'commentHighlights',
	addProseMirrorPlugins: () => [commentHighlights()]
});
