import * as Y from 'yjs';
import { DELETION, INSERTION, parseSuggestionAttrs, type SuggestionAttrs } from '../redlines/types';
import { BODY_FIELD } from './fields';

// Where suggestion marks sit in a document: read by decisions (server/redlines) and by the live
// room, which moves late marks of a decided suggestion to a new id (server/collab).

/** A run of text carrying one suggestion mark, inside one Y.XmlText. */
export interface MarkedRun {
	text: Y.XmlText;
	index: number;
	length: number;
	kind: typeof INSERTION | typeof DELETION;
	attrs: SuggestionAttrs;
	content: string;
}

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

/** Every Y.XmlText under a type, depth first (document order). */
export function* textsOf(type: Y.XmlFragment | Y.XmlElement): Generator<Y.XmlText> {
	for (const child of type.toArray()) {
		if (child instanceof Y.XmlText) yield child;
		else if (child instanceof Y.XmlElement) yield* textsOf(child);
	}
}
