import { Extension, type AnyExtension } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import type { Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import type * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { Clause, ClauseRef, PageBreak, Term } from './nodes';
import { ClauseRefView, Numbering } from './numbering';
import { BODY_FIELD } from '$lib/document';
import { documentExtensions } from './schema';
import { ClauseView, PageBreakView, TermView } from './node-views';
import { OptionalBlockNumbering, type OptionalBlocks } from './optional-blocks';
import type { Party } from '../mou/party';
import { partyColor, renderCaret, renderSelection } from './presence';
import type { TermValues } from './term-values';
import { ClauseLock, isFromYjs } from './clause-lock';
import { BodyEnd } from './body-end';
import { CommentHighlights, SuggestionKeys, SuggestionMode, type SuggestionModeOptions } from './suggestions';

export interface EditorExtensionOptions {
	doc: Y.Doc;
	provider: WebsocketProvider;
	user: { name: string; side: Party };
	termValues: TermValues;
	/** Told when the user tried to change a locked clause (the change was not made). */
	onLockedEdit?: (clause: PMNode) => void;
	/** Suggesting mode (tracked changes); off when absent. */
	suggestion?: SuggestionModeOptions;
	/** Optional signature blocks, folded away while their signer's term is empty (as in the DOCX). */
	optionalBlocks?: OptionalBlocks;
	/** Says where a keyboard move went when it is not where the key says (Ctrl+End). */
	announce?: (text: string) => void;
}

/**
 * What arrives from the shared document (the first render, the other party's edits) is not
 * autolinked here: its author's editor did that, and a link added here would be a change of
 * this client's to text nobody typed here. Opening a full-length draft also no longer walks the
 * whole document looking for links.
 */
const SharedTextNotAutolinked = Extension.create({
	name: 'sharedTextNotAutolinked',
	addProseMirrorPlugins: () => [
		new Plugin({
			key: new PluginKey('sharedTextNotAutolinked'),
			filterTransaction: (tr) => {
				if (isFromYjs(tr)) tr.setMeta('preventAutolink', true);
				return true;
			}
		})
	]
});

/**
 * The shared document extensions (same schema as the server) with the browser's node views,
 * bound to the Yjs document, with carets and the client-side clause lock on top.
 */
export function editorExtensions({
	doc,
	provider,
	user,
	termValues,
	onLockedEdit,
	suggestion,
	optionalBlocks,
	announce
}: EditorExtensionOptions): AnyExtension[] {
	const views: Record<string, AnyExtension> = {
		[Clause.name]: Clause.extend({
			addNodeView:
				() =>
				({ node, getPos, editor, decorations }) =>
					new ClauseView(
						node,
						{
							remove(current) {
								const pos = getPos();
								if (typeof pos !== 'number' || !editor.isEditable) return;
								// While suggesting, the suggestion mode turns this into a tracked deletion of the clause's text.
								editor.view.dispatch(editor.state.tr.delete(pos, pos + current.nodeSize));
							},
							suggesting: () => suggestion?.isActive() ?? false
						},
						decorations,
						optionalBlocks
					)
		}),
		[ClauseRef.name]: ClauseRef.extend({
			addNodeView:
				() =>
				({ node, decorations }) =>
					new ClauseRefView(node, decorations)
		}),
		[Term.name]: Term.extend({
			addNodeView:
				() =>
				({ node }) =>
					new TermView(node, termValues)
		}),
		[PageBreak.name]: PageBreak.extend({ addNodeView: () => () => new PageBreakView() })
	};
	return [
		...documentExtensions().map((extension) => views[extension.name] ?? extension),
		Collaboration.configure({ document: doc, field: BODY_FIELD }),
		CollaborationCaret.configure({
			provider,
			user: { name: user.name, side: user.side, color: partyColor(user.side) },
			render: renderCaret,
			selectionRender: renderSelection
		}),
		ClauseLock.configure({ onBlocked: onLockedEdit ?? null }),
		Numbering.configure({ unprinted: () => optionalBlocks?.unprinted() ?? new Set() }),
		OptionalBlockNumbering.configure({ blocks: optionalBlocks ?? null }),
		BodyEnd.configure({ folded: () => optionalBlocks?.unprinted() ?? new Set(), announce: announce ?? (() => {}) }),
		...(suggestion ? [SuggestionMode.configure(suggestion), SuggestionKeys.configure(suggestion)] : []),
		CommentHighlights,
		SharedTextNotAutolinked
	];
}
