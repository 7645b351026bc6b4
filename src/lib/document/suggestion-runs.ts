import * as Y from 'yjs';
import { DELETION, INSERTION, parseSuggestionAttrs, type SuggestionAttrs } from '../redlines/types';
import { BODY_FIELD } from './fields';

// Where suggestion marks sit in a document: read by decisions (server/redlines) and by the live
// room, which moves late marks of a decided suggestion to a new id and marks late typing (server/collab).

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

/** How far back a walk over one text's items goes before it gives up (a paragraph has far fewer). */
const MAX_WALK = 10_000;

/**
 * The item a new character was typed right after (its Yjs origin), passing over characters that
 * are themselves `isNew` (a word typed at once): an older character, or the format item that opens
 * a run when typing began at its start. null at the start of a text, or past MAX_WALK hops.
 */
export function typedAfter(doc: Y.Doc, item: Y.Item, isNew: (id: Y.ID) => boolean): Y.Item | null {
	let current: Y.Item = item;
	for (let hops = 0; hops < MAX_WALK; hops++) {
		if (!isNew(current.id)) return current; // merged with the older character before it
		if (current.origin === null) return null;
		const origin = Y.getItem(doc.store, current.origin);
		if (!(origin instanceof Y.Item) || origin.parent !== item.parent) return null;
		current = origin;
	}
	return null;
}

/**
 * The insertion mark the text at `item` was typed under as its author last saw it: the nearest
 * insertion format item before it, whether it still applies or a decision has since removed it
 * (with gc off, a removed mark's format items stay in the text, deleted). A closed run's end (its
 * null format item) stops the walk, so text after a run never counts as typed inside it.
 */
export function markTypedUnder(item: Y.Item): SuggestionAttrs | null {
	let current: Y.Item | null = item;
	for (let steps = 0; current !== null && steps < MAX_WALK; steps++, current = current.left) {
		if (current.content instanceof Y.ContentFormat && current.content.key === INSERTION) return parseSuggestionAttrs(current.content.value);
	}
	return null;
}

/** The insertion mark the character `item` is shown with now (the nearest format item in force before it), if any. */
export function insertionShownAt(item: Y.Item): SuggestionAttrs | null {
	let current: Y.Item | null = item.left;
	for (let steps = 0; current !== null && steps < MAX_WALK; steps++, current = current.left) {
		if (!current.deleted && current.content instanceof Y.ContentFormat && current.content.key === INSERTION) return parseSuggestionAttrs(current.content.value);
	}
	return null;
}

/** Where `item` starts among the text's visible characters. */
export function indexOfItem(text: Y.XmlText, item: Y.Item): number {
	let index = 0;
	for (let current = text._start; current !== null && current !== item; current = current.right) {
		if (!current.deleted && current.countable) index += current.length;
	}
	return index;
}
