import * as Y from 'yjs';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { BODY_FIELD, TERMS_FIELD, TERM_PROPOSALS_FIELD } from '../../editor/schema';
import { parseTermProposal, type TermProposal } from '../../redlines/types';
import type { DocNode } from '../../templates/types';
import type { ExportDocument } from './types';

/**
 * A stored Yjs state (merged updates) as the renderers read it. y-tiptap turns the XML fragment
 * into ProseMirror JSON with the insertion/deletion formatting as marks, which is simpler and
 * safer than walking Yjs items ourselves. Proposals that do not parse are left out, as the editor
 * does.
 */
export function readDocument(state: Uint8Array): ExportDocument {
	const doc = new Y.Doc({ gc: false });
	try {
		Y.applyUpdate(doc, state);
		const body = yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(BODY_FIELD)) as DocNode;
		const terms: Record<string, string> = {};
		doc.getMap<unknown>(TERMS_FIELD).forEach((value, key) => {
			if (typeof value === 'string') terms[key] = value;
		});
		const proposals: Record<string, TermProposal> = {};
		doc.getMap<unknown>(TERM_PROPOSALS_FIELD).forEach((value, key) => {
			const proposal = parseTermProposal(value);
			if (proposal) proposals[key] = proposal;
		});
		return { body, terms, proposals };
	} finally {
		doc.destroy();
	}
}
