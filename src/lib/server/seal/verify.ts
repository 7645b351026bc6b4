import { createHash, createVerify, X509Certificate } from 'node:crypto';
import { strFromU8 } from 'fflate';
import { canonicalize, elementsByName, parseXml } from './c14n';
import { isSignedPart, readParts, SIGNATURE_PART, type Parts } from './ooxml';
import { ALG, byId, DSIG, partDigestInput, sha256Base64 } from './xmldsig';

/**
 * Checks the OOXML signature of a DOCX the way Word and LibreOffice do — the signature value
 * over SignedInfo, each signed object, then every part in the manifest — and says which parts
 * no longer match. Anyone's certificate verifies here; whether it is ours the caller decides.
 */

export type SealCheck =
	| { status: 'unsigned' }
	| {
			status: 'valid' | 'broken';
			/** CN of the signing certificate's subject (else the whole subject). */
			signer: string;
			certificate: X509Certificate;
			signedAt: string | null;
			purpose: string | null;
			/** The signature itself (its value or a signed object) does not hold: nothing it says can be trusted. */
			signatureBroken: boolean;
			/** Parts changed, removed or added since signing. */
			altered: string[];
	  };

const MDSSI = 'http://schemas.openxmlformats.org/package/2006/digital-signature';
const MAX_SIGNATURE_BYTES = 1024 * 1024;
const MAX_RELATIONSHIP_PART_BYTES = 1024 * 1024;
const text = (el: Element | undefined) => el?.textContent?.trim() ?? '';

export function checkSeal(docx: Uint8Array | Parts): SealCheck {
	const parts = docx instanceof Map ? docx : readParts(docx);
	const xml = parts.get(SIGNATURE_PART);
	// Ours are a few kilobytes; a huge one is not parsed (the verification page is public).
	if (!xml || xml.length > MAX_SIGNATURE_BYTES) return { status: 'unsigned' };
	let doc: Document;
	try {
		doc = parseXml(strFromU8(xml));
	} catch {
		return { status: 'unsigned' };
	}
	const [signedInfo] = elementsByName(doc, DSIG, 'SignedInfo');
	const certText = text(elementsByName(doc, DSIG, 'X509Certificate')[0]).replace(/\s+/g, '');
	let certificate: X509Certificate;
	try {
		certificate = new X509Certificate(Buffer.from(certText, 'base64'));
	} catch {
		return { status: 'unsigned' };
	}
	const algorithm = (name: string) => elementsByName(signedInfo ?? doc, DSIG, name)[0]?.getAttribute('Algorithm');
	let signatureBroken = !signedInfo || algorithm('CanonicalizationMethod') !== ALG.c14n || algorithm('SignatureMethod') !== ALG.rsaSha256;
	if (!signatureBroken) {
		const value = Buffer.from(text(elementsByName(doc, DSIG, 'SignatureValue')[0]).replace(/\s+/g, ''), 'base64');
		signatureBroken = !createVerify('RSA-SHA256').update(canonicalize(signedInfo)).verify(certificate.publicKey, value);
	}
	// Every object SignedInfo references must still digest to what was signed, the manifest's among them.
	const covered = new Set<Element>();
	for (const ref of signedInfo ? directReferences(signedInfo) : []) {
		const uri = ref.getAttribute('URI') ?? '';
		const target = uri.startsWith('#') ? byId(doc, uri.slice(1)) : null;
		if (!target || !digestOk(ref, canonicalize(target))) signatureBroken = true;
		else covered.add(target);
	}
	const [manifest] = elementsByName(doc, DSIG, 'Manifest');
	if (!manifest || !covered.has(manifest.parentNode as Element)) signatureBroken = true;
	const altered = manifest ? alteredParts(manifest, parts) : [...parts.keys()].filter(isSignedPart);
	const signedAt = text(elementsByName(doc, MDSSI, 'Value')[0]) || text(elementsByName(doc, 'http://uri.etsi.org/01903/v1.3.2#', 'SigningTime')[0]) || null;
	const purpose = text(elementsByName(doc, 'http://schemas.microsoft.com/office/2006/digsig', 'SignatureComments')[0]) || null;
	return {
		status: signatureBroken || altered.length ? 'broken' : 'valid',
		signer: /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1] ?? certificate.subject.replace(/\n/g, ', '),
		certificate,
		signedAt,
		purpose,
		signatureBroken,
		altered
	};
}

function directReferences(signedInfo: Element): Element[] {
	return elementsByName(signedInfo, DSIG, 'Reference').filter((r) => r.parentNode === signedInfo);
}

function digestOk(reference: Element, input: string | Uint8Array): boolean {
	const method = elementsByName(reference, DSIG, 'DigestMethod')[0]?.getAttribute('Algorithm');
	return method === ALG.sha256 && text(elementsByName(reference, DSIG, 'DigestValue')[0]) === sha256Base64(input);
}

function alteredParts(manifest: Element, parts: Parts): string[] {
	const altered: string[] = [];
	const signed = new Set<string>();
	for (const ref of elementsByName(manifest, DSIG, 'Reference')) {
		const uri = ref.getAttribute('URI') ?? '';
		let name: string;
		try {
			name = decodeURIComponent(uri.split('?')[0]).replace(/^\//, '');
		} catch {
			altered.push(uri);
			continue;
		}
		signed.add(name);
		const bytes = parts.get(name);
		if (!bytes) {
			altered.push(`${name} (removed)`);
			continue;
		}
		const transform = elementsByName(ref, DSIG, 'Transform').find((t) => t.getAttribute('Algorithm') === ALG.relationshipTransform);
		const sourceIds = transform ? elementsByName(transform, MDSSI, 'RelationshipReference').map((r) => r.getAttribute('SourceId') ?? '') : undefined;
		let input: string | Uint8Array;
		if (transform && bytes.length > MAX_RELATIONSHIP_PART_BYTES) {
			altered.push(name);
			continue;
		}
		try {
			input = transform ? partDigestInput(name, bytes, sourceIds) : bytes;
		} catch {
			altered.push(name);
			continue;
		}
		if (!digestOk(ref, input)) altered.push(name);
	}
	for (const name of parts.keys()) if (isSignedPart(name) && !signed.has(name)) altered.push(`${name} (added)`);
	return altered;
}

/** SHA-256 (hex) of a certificate's DER bytes, as certificate viewers show its fingerprint. */
export const certificateSha256 = (certificate: X509Certificate) => createHash('sha256').update(certificate.raw).digest('hex');
