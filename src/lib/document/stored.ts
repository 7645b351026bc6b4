import * as Y from 'yjs';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { parseTermProposal, type TermProposal } from '../redlines/types';
import type { DocNode } from '../templates/types';
import { BODY_FIELD, TERMS_FIELD, TERM_PROPOSALS_FIELD } from './fields';

/** A stored MOU as every reader sees it: the ProseMirror JSON and the two term maps. */
export interface StoredMou {
	body: DocNode;
	/** Current term values (key → the string people typed); non-string values are left out. */
	terms: Record<string, string>;
	/** Open term proposals by term key; proposals that do not parse are left out, as the editor does. */
	proposals: Record<string, TermProposal>;
}

/**
 * The one decoder of stored Yjs state (merged updates). Always without garbage collection, so
 * deleted text is still there for comparisons and redlines, and every reader sees the same items.
 * The caller owns the doc; prefer `withStoredDoc`, which destroys it.
 */
export function openStoredDoc(state: Uint8Array): Y.Doc {
	const doc = new Y.Doc({ gc: false });
	try {
		Y.applyUpdate(doc, state);
	} catch (error) {
		doc.destroy();
		throw error;
	}
	return doc;
}

/** Runs `read` on the decoded state and frees the doc afterwards. */
export function withStoredDoc<T>(state: Uint8Array, read: (doc: Y.Doc) => T): T {
	const doc = openStoredDoc(state);
	try {
		return read(doc);
	} finally {
		doc.destroy();
	}
}

/** Body and terms of a stored MOU (export, readiness, the signing render, reminders). */
export function readStoredMou(state: Uint8Array): StoredMou {
	return withStoredDoc(state, storedMouOf);
}

/** Body and terms of a document already decoded (one decode for several readers). */
export function storedMouOf(doc: Y.Doc): StoredMou {
	return {
		body: yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(BODY_FIELD)) as DocNode,
		terms: termValuesOf(doc),
		proposals: termProposalsOf(doc)
	};
}

/** The current string term values of a decoded document. */
export function termValuesOf(doc: Y.Doc): Record<string, string> {
	const terms: Record<string, string> = {};
	doc.getMap<unknown>(TERMS_FIELD).forEach((value, key) => {
		if (typeof value === 'string') terms[key] = value;
	});
	return terms;
}

function termProposalsOf(doc: Y.Doc): Record<string, TermProposal> {
	const proposals: Record<string, TermProposal> = {};
	doc.getMap<unknown>(TERM_PROPOSALS_FIELD).forEach((value, key) => {
		const proposal = parseTermProposal(value);
		if (proposal) proposals[key] = proposal;
	});
	return proposals;
}
