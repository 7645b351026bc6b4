import * as Y from 'yjs';
import { BODY_FIELD, TERM_PROPOSALS_FIELD, withStoredDoc } from '$lib/document';
import { DELETION, INSERTION, parseSuggestionAttrs, parseTermProposal, type Party, type SuggestionAttrs } from '../../redlines/types';

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

/** A run of text carrying one suggestion mark, inside one Y.XmlText. */
export interface MarkedRun {
	text: Y.XmlText;
	index: number;
	length: number;
	kind: typeof INSERTION | typeof DELETION;
	attrs: SuggestionAttrs;
	content: string;
}

const EXCERPT_LENGTH = 200;

/** Every suggestion-marked run of text in the body, in document order. */
export function markedRuns(doc: Y.Doc): MarkedRun[] {
	const runs: MarkedRun[] = [];
	for (const text of textsOf(doc.getXmlFragment(BODY_FIELD))) {
		let index = 0;
		for (const op of text.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>) {
			const length = typeof op.insert === 'string' ? op.insert.length : 1;
			for (const kind of [INSERTION, DELETION] as const) {
				const attrs = parseSuggestionAttrs(op.attributes?.[kind]);
				if (attrs) runs.push({ text, index, length, kind, attrs, content: typeof op.insert === 'string' ? op.insert : '' });
			}
			index += length;
		}
	}
	return runs;
}

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

/** Every Y.XmlText under a type, depth first (document order). */
export function* textsOf(type: Y.XmlFragment | Y.XmlElement): Generator<Y.XmlText> {
	for (const child of type.toArray()) {
		if (child instanceof Y.XmlText) yield child;
		else if (child instanceof Y.XmlElement) yield* textsOf(child);
	}
}
