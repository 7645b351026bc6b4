import { createHash } from 'node:crypto';
import type { Sql } from '$lib/server/db';
import type { Refusal, Verification } from '$lib/export/types';
import * as store from './store';
import { DOCX_LIMITS, inspectDocx } from './zip-guard';

export type { Refusal, Verification } from '$lib/export/types';

/**
 * The public verification of a signed DOCX: is this exactly a file MOU Studio issued? Matched by
 * the SHA-256 of the whole file, so one changed byte is a different file. A match shows that
 * document's certificate (which the file itself carries); anything else learns nothing about any
 * other document — not whether a similar one exists, nor which MOUs there are.
 */

export const MAX_UPLOAD_BYTES = DOCX_LIMITS.maxFileBytes;

const refused = (reason: Refusal['reason'], message: string): Refusal => ({
	outcome: 'refused',
	reason,
	message
});

/** The upload's size is checked before its bytes are read (`size` from the form's File). */
export function checkUploadSize(size: number): Refusal | null {
	if (size <= 0) return refused('missing', 'Choose a Word document (.docx) to check.');
	if (size > MAX_UPLOAD_BYTES) {
		return refused('too-large', `This file is ${(size / 1024 / 1024).toFixed(1)} MB. Signed MOUs from MOU Studio are far smaller; files over ${MAX_UPLOAD_BYTES / 1024 / 1024} MB are not checked.`);
	}
	return null;
}

export async function verifyDocument(sql: Sql, bytes: Uint8Array): Promise<Verification> {
	const tooBig = checkUploadSize(bytes.byteLength);
	if (tooBig) return tooBig;
	// Hashing is safe on any bytes; a file we issued is recognised whatever else it looks like.
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	const found = await store.findCertificateBySha(sql, sha256);
	if (found) {
		return {
			outcome: 'match',
			sha256,
			certificate: found.certificate,
			parties: await store.partyNames(sql, found.mouId),
			issuedAt: found.issuedAt.toISOString(),
			filename: found.filename
		};
	}
	const check = inspectDocx(bytes);
	if (check.ok) return { outcome: 'no-match', sha256 };
	// A damaged Word file (say, one byte changed inside it) is simply not one we issued.
	if (check.reason === 'damaged') return { outcome: 'no-match', sha256, damaged: true };
	const lead = check.reason === 'zip-bomb' ? 'This file was refused without unpacking it: ' : 'This is not a Word document (.docx): ';
	return refused(check.reason === 'not-zip' ? 'not-docx' : check.reason, lead + lowerFirst(check.detail));
}

function lowerFirst(text: string): string {
	return text ? text[0].toLowerCase() + text.slice(1) : text;
}
