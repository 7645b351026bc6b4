import * as Y from 'yjs';

// Reading an MOU's Y.Doc the way the template builds it: a body of clauses, each of paragraphs.

export const body = (doc: Y.Doc) => doc.getXmlFragment('body');

const clauses = (doc: Y.Doc) =>
	body(doc)
		.toArray()
		.filter((node): node is Y.XmlElement => node instanceof Y.XmlElement && node.nodeName === 'clause');

/** Where the clause with this id stands in the body (throws when there is none). */
export function clauseIndex(doc: Y.Doc, clauseId: string): number {
	const index = body(doc)
		.toArray()
		.findIndex((node) => node instanceof Y.XmlElement && node.nodeName === 'clause' && node.getAttribute('clauseId') === clauseId);
	if (index < 0) throw new Error(`no clause ${clauseId}`);
	return index;
}

export const clause = (doc: Y.Doc, clauseId: string) => body(doc).get(clauseIndex(doc, clauseId)) as Y.XmlElement;
export const firstParagraph = (doc: Y.Doc, clauseId: string) => clause(doc, clauseId).get(0) as Y.XmlElement;
export const firstText = (doc: Y.Doc, clauseId: string) => firstParagraph(doc, clauseId).get(0) as Y.XmlText;

/** One attribute of every clause, in order (`clauseId`, `title` …). */
export const clauseAttribute = (doc: Y.Doc, name: string) => clauses(doc).map((node) => String(node.getAttribute(name)));

/** The characters of a paragraph, without formatting (XmlText.toString() renders marks as tags). */
export function plain(text: Y.XmlText): string {
	return (text.toDelta() as Array<{ insert: unknown }>).map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('');
}

/** A clause element as the template makes one, with one paragraph of text. */
export function clauseElement(attributes: Record<string, unknown>, text: string): Y.XmlElement {
	const element = new Y.XmlElement('clause');
	for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value as string);
	const paragraph = new Y.XmlElement('paragraph');
	paragraph.insert(0, [new Y.XmlText(text)]);
	element.insert(0, [paragraph]);
	return element;
}

/** The first text anywhere below `node`, depth first (the body's: the first clause's first words). */
export function deepFirstText(node: Y.XmlFragment | Y.XmlElement): Y.XmlText | null {
	for (const child of node.toArray()) {
		if (child instanceof Y.XmlText) return child;
		if (child instanceof Y.XmlElement) {
			const found = deepFirstText(child);
			if (found) return found;
		}
	}
	return null;
}
