import { Extension } from '@tiptap/core';
import type { EditorState, Transaction } from '@tiptap/pm/state';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { findLockViolation, isFromYjs } from '../clause-lock';
import type { SuggestContext } from './attrs';
import { suggestionLabels } from './labels';
import { NOTICES, type Notice } from './notices';
import { dispatchInParts } from './sync-parts';
import { SUGGESTION_META } from './meta';
import { suggestTransaction } from './transform';
import { writeTextEdits } from './yjs-writer';

export interface SuggestionModeOptions {
	/** Read on every transaction, so the mode follows the MOU's status live. */
	isActive: () => boolean;
	context: () => SuggestContext;
	onNotice: (notice: Notice) => void;
	/** The zone the labels' times are written in (the district's). */
	zone?: () => string;
}

/** What y-tiptap keeps in its plugin state (the parts used here). */
interface YSyncState {
	binding?: { type: Y.XmlFragment; doc: Y.Doc; mux: (fn: () => void) => void };
	snapshot?: unknown;
	prevSnapshot?: unknown;
}

/** Writes a part's text edits into Yjs at their exact place before y-prosemirror syncs it. */
function writeToYjs(state: EditorState, tr: Transaction): void {
	const sync = ySyncPluginKey.getState(state) as YSyncState | undefined;
	const binding = sync?.binding;
	if (!binding || sync.snapshot || sync.prevSnapshot) return;
	// Inside the binding's mutex, so it does not re-render ProseMirror from this Yjs change.
	binding.mux(() => binding.doc.transact(() => writeTextEdits(binding.type, tr), ySyncPluginKey));
}

/**
 * Suggesting mode: every local change becomes a tracked suggestion before it reaches the
 * document (and so Yjs). Runs inside the clause lock's dispatch (lower priority), so a deletion
 * across a locked clause is first narrowed to the text around it, then tracked.
 */
export const SuggestionMode = Extension.create<SuggestionModeOptions>({
	name: 'suggestionMode',
	priority: 50,

	addOptions() {
		return { isActive: () => false, context: () => ({}) as SuggestContext, onNotice: () => {} };
	},

	dispatchTransaction({ transaction, next }) {
		const { isActive, context, onNotice } = this.options;
		const state = this.editor.state;
		if (!isActive() || !transaction.docChanged || isFromYjs(transaction) || transaction.getMeta(SUGGESTION_META) || transaction.before !== state.doc) {
			next(transaction);
			return;
		}
		const { tr, notice } = suggestTransaction(state, transaction, context());
		if (notice) onNotice(notice);
		if (!tr) return;
		dispatchInParts(state, tr, (part) => {
			// A part the clause lock refuses is dispatched only so that the lock can say why.
			if (findLockViolation(part)) {
				next(part);
				return null;
			}
			writeToYjs(this.editor.state, part);
			next(part);
			return this.editor.state.doc === part.doc ? this.editor.state : null;
		});
	},

	addProseMirrorPlugins() {
		return [suggestionLabels(this.options.zone)];
	}
});

/**
 * Yjs undo would remove suggestion marks and re-create deleted text under old attributions,
 * which the server refuses; while suggesting, undo is replaced by deleting one's own text or
 * withdrawing. High priority so it runs before the collaboration extension's undo keys.
 */
export const SuggestionKeys = Extension.create<Pick<SuggestionModeOptions, 'isActive' | 'onNotice'>>({
	name: 'suggestionKeys',
	priority: 1000,

	addOptions() {
		return { isActive: () => false, onNotice: () => {} };
	},

	addKeyboardShortcuts() {
		const block = () => {
			if (!this.options.isActive()) return false;
			this.options.onNotice(NOTICES.undo);
			return true;
		};
		return { 'Mod-z': block, 'Mod-y': block, 'Shift-Mod-z': block };
	}
});
