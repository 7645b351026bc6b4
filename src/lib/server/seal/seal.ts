import { prepareForSignature, readParts, withSignature, writeParts } from './ooxml';
import { signatureXml, type SignatureOptions, type SigningIdentity } from './xmldsig';

/**
 * Seals a DOCX: the same document with an OOXML digital signature over every part, which Word
 * (File › Info › Signatures) and LibreOffice (File › Digital Signatures) check on their own.
 */
export function sealDocx(docx: Uint8Array, identity: SigningIdentity, options: SignatureOptions): Uint8Array {
	const parts = prepareForSignature(readParts(docx));
	return writeParts(withSignature(parts, signatureXml(parts, identity, options)));
}
