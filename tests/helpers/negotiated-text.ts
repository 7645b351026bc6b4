import * as Y from 'yjs';
import { textsOf } from '../../src/lib/document';
import { INSERTION, parseSuggestionAttrs } from '../../src/lib/redlines/types';
import { openSuggestions } from '../../src/lib/server/redlines';
import { body } from './mou-doc';

/** Each visible character of the body, by its Yjs id, with the insertion mark it is shown under (null: none). */
function visibleCharacters(doc: Y.Doc): Array<{ key: string; char: string; markId: string | null }> {
	const chars: Array<{ key: string; char: string; markId: string | null }> = [];
	for (const text of textsOf(body(doc))) {
		let markId: string | null = null;
		for (let item = text._start; item !== null; item = item.right) {
			if (item.deleted) continue;
			if (item.content instanceof Y.ContentFormat && item.content.key === INSERTION) markId = parseSuggestionAttrs(item.content.value)?.id ?? null;
			if (!(item.content instanceof Y.ContentString)) continue;
			const str = item.content.str;
			for (let i = 0; i < str.length; i++) chars.push({ key: `${item.id.client}:${item.id.clock + i}`, char: str[i], markId });
		}
	}
	return chars;
}

/**
 * The invariant of negotiating: every visible character of `doc`'s body is agreed text (shown
 * unmarked in `agreed`, the stored document right after the last decision: the template's text
 * and what was accepted) or under the mark of an open suggestion (not one of `decided`). Returns
 * the characters that are neither, in document order, then any content outside a Y.XmlText: ''
 * when the invariant holds.
 */
export function unaccountedText(doc: Y.Doc, agreed: Y.Doc, decided: readonly string[] = []): string {
	const agreedText = new Set(visibleCharacters(agreed).flatMap(({ key, markId }) => (markId === null ? [key] : [])));
	const open = new Set(openSuggestions(doc).flatMap(({ id }) => (decided.includes(id) ? [] : [id])));
	return (
		visibleCharacters(doc)
			.filter(({ key, markId }) => (markId === null ? !agreedText.has(key) : !open.has(markId)))
			.map(({ char }) => char)
			.join('') + strayContent(body(doc))
	);
}

/** What is shown (or breaks the editor) straight inside the body or an element, outside any Y.XmlText: never agreed text. */
function strayContent(type: Y.XmlFragment): string {
	let stray = '';
	for (let item = type._start; item !== null; item = item.right) {
		if (item.deleted) continue;
		if (!(item.content instanceof Y.ContentType))
			stray += item.content
				.getContent()
				.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
				.join('');
		else if (item.content.type instanceof Y.XmlElement) stray += strayContent(item.content.type);
	}
	return stray;
}
