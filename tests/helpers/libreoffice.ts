import { execFileSync } from 'node:child_process';
import { unzipSync, zipSync, type Zippable } from 'fflate';

/**
 * LibreOffice's own verdict on a DOCX's digital signatures, through UNO (tests/helpers/
 * verify-docx-signature.py, run with Debian's /usr/bin/python3, which loads pyuno).
 */
export interface LibreOfficeSignature {
	valid: boolean;
	/** com.sun.star.security.CertificateValidity: 0 is trusted; a self-signed certificate is untrusted. */
	certificateStatus: number;
	signer: string | null;
	date: number;
	time: number;
}

export function libreOfficeSignatures(files: string[]): Map<string, LibreOfficeSignature[]> {
	const out = execFileSync('/usr/bin/python3', ['tests/helpers/verify-docx-signature.py', ...files], {
		encoding: 'utf8',
		timeout: 170_000,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const results = new Map<string, LibreOfficeSignature[]>();
	for (const line of out.split('\n').filter(Boolean)) {
		const { file, signatures } = JSON.parse(line) as { file: string; signatures: LibreOfficeSignature[] };
		results.set(file, signatures);
	}
	return results;
}

/**
 * The same package with one byte of one part changed, re-zipped: in an XML part a letter of an
 * attribute value past the root element (the XML stays well-formed, so it is the signature that
 * notices); in any other part a byte in the middle.
 */
export function withOneByteChanged(docx: Uint8Array, part: string): Uint8Array {
	const files = unzipSync(docx);
	const bytes = files[part].slice();
	// latin1: one character per byte, so string positions are byte positions.
	const text = Buffer.from(bytes).toString('latin1');
	const root = text.search(/<[^?!]/);
	const second = root < 0 ? -1 : text.slice(root + 1).search(/<[^?!/]/) + root + 1;
	const value = second > root ? /="[^"]*?[a-z]/.exec(text.slice(second)) : null;
	const at = value ? second + value.index + value[0].length - 1 : Math.floor(bytes.length / 2);
	bytes[at] = value ? (bytes[at] === 0x78 ? 0x79 : 0x78) : bytes[at] ^ 0x01;
	files[part] = bytes;
	const zippable: Zippable = {};
	for (const [name, data] of Object.entries(files)) zippable[name] = data;
	return zipSync(zippable);
}
