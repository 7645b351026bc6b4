import { DOMParser } from '@xmldom/xmldom';
import { C14nCanonicalization } from 'xml-crypto';

/**
 * Inclusive XML canonicalization 1.0 (what OOXML signatures use for SignedInfo and the signed
 * objects; not 2.0), by xml-crypto, of an element inside a larger document: the namespaces its
 * ancestors declare are in scope and are rendered on it, as a verifier renders them.
 */

const c14n = new C14nCanonicalization();

export function parseXml(text: string): Document {
	const errors: string[] = [];
	const doc = new DOMParser({
		errorHandler: { warning: () => {}, error: (m) => void errors.push(String(m)), fatalError: (m) => void errors.push(String(m)) }
	}).parseFromString(text, 'application/xml');
	if (errors.length || !doc?.documentElement) throw new Error(`Not well-formed XML: ${errors[0] ?? 'no root element'}`);
	return doc as unknown as Document;
}

export function canonicalize(element: Element): string {
	// An unprefixed element's own namespace is the default in scope, and xml-crypto renders it
	// already: passing the inherited default too would write the declaration twice.
	const inherited = ancestorNamespaces(element).filter((ns) => ns.prefix !== '' || element.prefix);
	return c14n.process(element as never, { ancestorNamespaces: inherited }) as string;
}

/** The namespace bindings in scope from the element's ancestors (the nearest declaration wins). */
function ancestorNamespaces(element: Element): { prefix: string; namespaceURI: string }[] {
	const seen = new Map<string, string>();
	for (let node = element.parentNode; node && node.nodeType === 1; node = node.parentNode) {
		const attributes = (node as Element).attributes;
		for (let i = 0; i < attributes.length; i++) {
			const attr = attributes[i];
			const prefix = attr.name === 'xmlns' ? '' : attr.prefix === 'xmlns' ? attr.localName : null;
			if (prefix !== null && !seen.has(prefix)) seen.set(prefix, attr.value);
		}
	}
	return [...seen].filter(([, uri]) => uri !== '').map(([prefix, namespaceURI]) => ({ prefix, namespaceURI }));
}

/** Attribute values and text as canonical XML writes them. */
export function escapeAttribute(value: string): string {
	return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');
}

export function escapeText(value: string): string {
	return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** xmldom's node lists are not iterable. */
export function elementsByName(root: Document | Element, namespace: string, localName: string): Element[] {
	const list = root.getElementsByTagNameNS(namespace, localName);
	return Array.from({ length: list.length }, (_, i) => list.item(i)!);
}
