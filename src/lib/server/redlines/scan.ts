import * as Y from 'yjs';
import { markedRuns, TERM_PROPOSALS_FIELD, withStoredDoc } from '$lib/document';
import { DELETION, INSERTION, parseTermProposal, type Party } from '../../redlines/types';

export type OpenSuggestionKind = typeof INSERTION | typeof DELETION | 'term';

/** One open suggestion as the server sees it in the document (all its marks together). */
export interface OpenSuggestion {
	id: string;
	kind: OpenSuggestionKind;
	party: Party;
	authorId: string;
	authorName: string;
	at: string;
	/** The text inserted or deleted (shortened), or "key → value" for a term. */
	excerpt: string;
	/** For term proposals: the term's key and proposed value. */
	termKey?: string;
	value?: string;
}

const EXCERPT_LENGTH = 200;

/** The open suggestions: marked runs grouped by id and kind, plus term proposals. */
export function openSuggestions(doc: Y.Doc): OpenSuggestion[] {
	const byKey = new Map<string, OpenSuggestion>();
	for (const run of markedRuns(doc)) {
		const key = `${run.kind}:${run.attrs.id}`;
		const found = byKey.get(key);
		if (found) {
			if (found.excerpt.length < EXCERPT_LENGTH) found.excerpt = (found.excerpt + run.content).slice(0, EXCERPT_LENGTH);
			continue;
		}
		byKey.set(key, { ...run.attrs, kind: run.kind, excerpt: run.content.slice(0, EXCERPT_LENGTH) });
	}
	const proposals = doc.getMap<string>(TERM_PROPOSALS_FIELD);
	for (const [termKey, raw] of proposals) {
		const proposal = parseTermProposal(raw);
		if (!proposal) continue;
		const { value, ...attrs } = proposal;
		byKey.set(`term:${proposal.id}`, {
			...attrs,
			kind: 'term',
			termKey,
			value,
			excerpt: `${termKey} → ${value}`.slice(0, EXCERPT_LENGTH)
		});
	}
	return [...byKey.values()];
}

/** The open suggestions of a stored document state (e.g. loadDocumentState), for approval checks. */
export function listOpenSuggestions(state: Uint8Array): OpenSuggestion[] {
	return withStoredDoc(state, openSuggestions);
}
