/**
 * A synthetic full-size MOU for benchmarks: 30 sections of two clauses (half locked), three long
 * paragraphs each with a term and bold text. Deterministic, so runs compare.
 */
import * as Y from 'yjs';
import { prosemirrorJSONToYDoc } from '@tiptap/y-tiptap';
import { documentSchema } from '../src/lib/editor/schema';

export type PMNode = { type: string; attrs?: Record<string, unknown>; content?: PMNode[]; text?: string; marks?: { type: string }[] };

export const SECTIONS = 30;
export const CLAUSES_PER_SECTION = 2;

// Deterministic pseudo-random numbers so runs compare.
let seed = 42;
export const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
export const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

const WORDS =
	'the agency district officer school student shall may provide assign training records review program law enforcement safety campus discipline report principal notice party term supervision incident'.split(
		' '
	);
const sentence = (words: number) => Array.from({ length: words }, () => pick(WORDS)).join(' ') + '. ';

function provisionParagraph(): PMNode {
	return {
		type: 'paragraph',
		content: [
			{ type: 'text', text: sentence(40) },
			{ type: 'term', attrs: { key: pick(['agency_name', 'district_name', 'sro_count']) } },
			{ type: 'text', text: ' ' + sentence(6), marks: [{ type: 'bold' }] },
			{ type: 'text', text: sentence(60) }
		]
	};
}

export function synthesisedMou(): PMNode {
	const content: PMNode[] = [];
	let clauseNo = 0;
	for (let s = 1; s <= SECTIONS; s++) {
		content.push({ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: `Section ${s}` }] });
		for (let c = 0; c < CLAUSES_PER_SECTION; c++) {
			const locked = clauseNo++ % 2 === 0;
			content.push({
				type: 'clause',
				attrs: { clauseId: `c${clauseNo}`, title: `Provision ${s}.${c + 1}`, level: locked ? 'required' : 'custom', nasro: locked ? '01.01.04-c' : '', locked },
				content: Array.from({ length: 3 }, provisionParagraph)
			});
		}
	}
	return { type: 'doc', content };
}

/** The stored state of the MOU, as the server would load it from its checkpoint. */
export function storedState(json: PMNode): Uint8Array {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(prosemirrorJSONToYDoc(documentSchema, json, 'body')));
	doc.getMap('terms').set('agency_name', 'Springfield Police Department');
	return Y.encodeStateAsUpdate(doc);
}

export function loadServerDoc(state: Uint8Array): Y.Doc {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, state);
	return doc;
}

/** Texts a user may type in: every XmlText under an unlocked clause. */
export function unlockedTexts(doc: Y.Doc): Y.XmlText[] {
	const texts: Y.XmlText[] = [];
	for (const node of doc.getXmlFragment('body').toArray()) {
		if (!(node instanceof Y.XmlElement) || node.nodeName !== 'clause' || node.getAttribute('locked')) continue;
		for (const paragraph of node.toArray()) {
			for (const child of (paragraph as Y.XmlElement).toArray()) if (child instanceof Y.XmlText) texts.push(child);
		}
	}
	return texts;
}
