import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { elementsByName, escapeAttribute, parseXml } from './c14n';

/**
 * The Open Packaging Conventions side of an OOXML signature, which no XML-DSig library knows:
 * the package's parts and content types, relationship parts, the RelationshipTransform, and the
 * signature parts Word and LibreOffice look for.
 */

export const NS = {
	relationships: 'http://schemas.openxmlformats.org/package/2006/relationships',
	contentTypes: 'http://schemas.openxmlformats.org/package/2006/content-types'
};
export const REL = {
	origin: 'http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin',
	signature: 'http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature',
	core: 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties',
	extended: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties'
};
export const CONTENT_TYPE = {
	origin: 'application/vnd.openxmlformats-package.digital-signature-origin',
	signature: 'application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml',
	relationships: 'application/vnd.openxmlformats-package.relationships+xml'
};
export const SIGNATURE_PART = '_xmlsignatures/sig1.xml';
const ORIGIN_PART = '_xmlsignatures/origin.sigs';
const ORIGIN_RELS = '_xmlsignatures/_rels/origin.sigs.rels';
const CONTENT_TYPES = '[Content_Types].xml';
/** Parts a signature leaves out, as Word does: properties Office rewrites on open, and the signature itself. */
const UNSIGNED = new Set([CONTENT_TYPES, 'docProps/core.xml', 'docProps/app.xml']);

export type Parts = Map<string, Uint8Array>;

export interface Relationship {
	id: string;
	type: string;
	target: string;
	targetMode?: string;
}

export function readParts(bytes: Uint8Array): Parts {
	const files = unzipSync(bytes);
	return new Map(Object.entries(files).filter(([name]) => !name.endsWith('/')));
}

export function writeParts(parts: Parts): Uint8Array {
	const files: Zippable = {};
	for (const [name, bytes] of parts) files[name] = [bytes, { level: 6 }];
	return zipSync(files);
}

export const isRelationshipPart = (name: string) => name.endsWith('.rels');
export const isSignaturePart = (name: string) => name.startsWith('_xmlsignatures/');
export const isSignedPart = (name: string) => !UNSIGNED.has(name) && !isSignaturePart(name);

export function parseRelationships(xml: string): Relationship[] {
	const doc = parseXml(xml);
	const root = doc.documentElement;
	if (root.namespaceURI !== NS.relationships || root.localName !== 'Relationships') throw new Error('Not a relationship part.');
	return elementsByName(doc, NS.relationships, 'Relationship').map((el) => ({
		id: el.getAttribute('Id') ?? '',
		type: el.getAttribute('Type') ?? '',
		target: el.getAttribute('Target') ?? '',
		...(el.getAttribute('TargetMode') ? { targetMode: el.getAttribute('TargetMode')! } : {})
	}));
}

/**
 * A relationship part with no whitespace between its elements: LibreOffice 7.4's
 * RelationshipTransform digests whitespace text nodes differently from the OPC rule Word follows,
 * so a signed .rels part must have none for both to agree.
 */
export function writeRelationships(relationships: Relationship[]): Uint8Array {
	const items = relationships.map(
		(r) =>
			`<Relationship Id="${escapeAttribute(r.id)}" Type="${escapeAttribute(r.type)}" Target="${escapeAttribute(r.target)}"${r.targetMode ? ` TargetMode="${escapeAttribute(r.targetMode)}"` : ''}/>`
	);
	return strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${NS.relationships}">${items.join('')}</Relationships>`);
}

/** The relationships a signature covers: all but those to the unsigned properties and to the signature origin. */
export function signedRelationshipIds(relationships: Relationship[]): string[] {
	return relationships.filter((r) => r.type !== REL.core && r.type !== REL.extended && r.type !== REL.origin).map((r) => r.id);
}

/**
 * The RelationshipTransform's output followed by inclusive C14N, written out: the selected
 * relationships sorted by Id, TargetMode made explicit, attributes in canonical order.
 */
export function transformedRelationships(relationships: Relationship[], sourceIds: string[]): string {
	const wanted = new Set(sourceIds);
	const chosen = relationships.filter((r) => wanted.has(r.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const items = chosen.map(
		(r) =>
			`<Relationship Id="${escapeAttribute(r.id)}" Target="${escapeAttribute(r.target)}" TargetMode="${escapeAttribute(r.targetMode ?? 'Internal')}" Type="${escapeAttribute(r.type)}"></Relationship>`
	);
	return `<Relationships xmlns="${NS.relationships}">${items.join('')}</Relationships>`;
}

/** Each part's content type, from [Content_Types].xml (an Override, else the Default for its extension). */
export function contentTypes(parts: Parts): (name: string) => string | null {
	const xml = parts.get(CONTENT_TYPES);
	if (!xml) throw new Error('The package has no [Content_Types].xml.');
	const doc = parseXml(strFromU8(xml));
	const overrides = new Map<string, string>();
	const defaults = new Map<string, string>();
	for (const el of elementsByName(doc, NS.contentTypes, 'Override')) {
		overrides.set((el.getAttribute('PartName') ?? '').toLowerCase(), el.getAttribute('ContentType') ?? '');
	}
	for (const el of elementsByName(doc, NS.contentTypes, 'Default')) {
		defaults.set((el.getAttribute('Extension') ?? '').toLowerCase(), el.getAttribute('ContentType') ?? '');
	}
	return (name) => overrides.get(`/${name}`.toLowerCase()) ?? defaults.get(name.split('.').pop()!.toLowerCase()) ?? null;
}

/**
 * Prepares a package for its signature: every relationship part rewritten without whitespace,
 * the origin relationship and content types added, the origin part and its relationship to the
 * signature part in place. The signature part itself is added by `withSignature`.
 */
export function prepareForSignature(source: Parts): Parts {
	const parts: Parts = new Map();
	for (const [name, bytes] of source) {
		if (isSignaturePart(name)) continue;
		parts.set(name, isRelationshipPart(name) ? writeRelationships(parseRelationships(strFromU8(bytes))) : bytes);
	}
	const root = parseRelationships(strFromU8(parts.get('_rels/.rels') ?? strToU8('<Relationships xmlns="' + NS.relationships + '"/>'))).filter(
		(r) => r.type !== REL.origin
	);
	root.push({ id: freeId(root, 'rIdSignatureOrigin'), type: REL.origin, target: ORIGIN_PART });
	parts.set('_rels/.rels', writeRelationships(root));
	parts.set(CONTENT_TYPES, withSignatureContentTypes(parts.get(CONTENT_TYPES)!));
	parts.set(ORIGIN_PART, new Uint8Array(0));
	parts.set(ORIGIN_RELS, writeRelationships([{ id: 'rId1', type: REL.signature, target: 'sig1.xml' }]));
	return parts;
}

export function withSignature(parts: Parts, signatureXml: string): Parts {
	const signed = new Map(parts);
	signed.set(SIGNATURE_PART, strToU8(signatureXml));
	return signed;
}

function freeId(relationships: Relationship[], wanted: string): string {
	const taken = new Set(relationships.map((r) => r.id));
	let id = wanted;
	for (let n = 2; taken.has(id); n++) id = `${wanted}${n}`;
	return id;
}

function withSignatureContentTypes(xml: Uint8Array): Uint8Array {
	let text = strFromU8(xml);
	if (!/<Default\s[^>]*Extension="sigs"/i.test(text)) {
		text = text.replace(/(<Types\b[^>]*>)/, `$1<Default Extension="sigs" ContentType="${CONTENT_TYPE.origin}"/>`);
	}
	if (!text.includes(`PartName="/${SIGNATURE_PART}"`)) {
		text = text.replace(/<\/Types>\s*$/, `<Override PartName="/${SIGNATURE_PART}" ContentType="${CONTENT_TYPE.signature}"/></Types>`);
	}
	return strToU8(text);
}
