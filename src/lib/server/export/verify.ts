import { createHash } from 'node:crypto';
import type { Sql } from '$lib/server/db';
import { checkSeal, certificateSha256, signingIdentity, type SealCheck, type SigningIdentity } from '$lib/server/seal';
import { readParts } from '$lib/server/seal/ooxml';
import type { Refusal, SealSummary, Verification } from '$lib/export/types';
import { fileClaims, mouIdInPurpose } from './provenance';
import * as store from './store';
import { DOCX_LIMITS, inspectDocx } from './zip-guard';

export type { Refusal, Verification } from '$lib/export/types';

/**
 * The public verification of a DOCX: exactly a file MOU Studio issued (same SHA-256), a signed
 * MOU from here altered since (its digital signature, by this server's certificate, names the MOU
 * and which parts changed), a clean copy or redline exported here (never signed), or none of
 * these. Nothing is said about any MOU the file does not itself prove or name with its title.
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
		return refused(
			'too-large',
			`This file is ${(size / 1024 / 1024).toFixed(1)} MB. Signed MOUs from MOU Studio are far smaller; files over ${MAX_UPLOAD_BYTES / 1024 / 1024} MB are not checked.`
		);
	}
	return null;
}

export async function verifyDocument(sql: Sql, bytes: Uint8Array): Promise<Verification> {
	const tooBig = checkUploadSize(bytes.byteLength);
	if (tooBig) return tooBig;
	// Hashing is safe on any bytes; a file we issued is recognised whatever else it looks like.
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	const found = await store.findCertificateBySha(sql, sha256);
	const check = inspectDocx(bytes);
	// Unpacked only once the guard has judged every declared size.
	const parts = check.ok ? unpack(bytes) : null;
	const identity = await signingIdentity(sql);
	const seal = parts ? checkSeal(parts) : null;
	if (found) {
		return {
			outcome: 'match',
			sha256,
			certificate: found.certificate,
			parties: await store.partyNames(sql, found.mouId),
			issuedAt: found.issuedAt.toISOString(),
			filename: found.filename,
			seal: seal && seal.status !== 'unsigned' ? summary(seal, identity) : null
		};
	}
	if (!check.ok) {
		// A damaged Word file (say, one byte changed inside it) is simply not one we issued.
		if (check.reason === 'damaged') return { outcome: 'no-match', sha256, damaged: true };
		const lead = check.reason === 'zip-bomb' ? 'This file was refused without unpacking it: ' : 'This is not a Word document (.docx): ';
		return refused(check.reason === 'not-zip' ? 'not-docx' : check.reason, lead + lowerFirst(check.detail));
	}
	if (!parts || !seal) return { outcome: 'no-match', sha256, damaged: true };
	const claims = fileClaims(parts);
	if (seal.status !== 'unsigned') {
		const sealSummary = summary(seal, identity);
		if (!sealSummary.ours) return { outcome: 'no-match', sha256, foreignSigner: seal.signer };
		// An intact signature value vouches for the MOU it names; a broken one only with the file's own title to match.
		const mouId = seal.signatureBroken ? claims.mouId : mouIdInPurpose(seal.purpose);
		const issued = mouId ? await store.findIssued(sql, mouId) : null;
		if (issued && (!seal.signatureBroken || issued.title === claims.title)) {
			return { outcome: 'altered', sha256, mouId: issued.mouId, title: issued.title, issuedSha256: issued.sha256, seal: sealSummary, altered: seal.altered };
		}
		return { outcome: 'no-match', sha256 };
	}
	if (!claims.mouId || !claims.title) return { outcome: 'no-match', sha256 };
	const mou = await store.findMou(sql, claims.mouId);
	if (!mou || mou.title !== claims.title) return { outcome: 'no-match', sha256 };
	const issued = claims.signingRequestId ? await store.findIssued(sql, mou.id) : null;
	if (issued)
		return { outcome: 'altered', sha256, mouId: mou.id, title: mou.title, issuedSha256: issued.sha256, seal: null, altered: [], signatureRemoved: true };
	return { outcome: 'export', sha256, mouId: mou.id, title: mou.title, versionLabel: claims.versionLabel };
}

function unpack(bytes: Uint8Array): Map<string, Uint8Array> | null {
	try {
		return readParts(bytes);
	} catch {
		return null;
	}
}

function summary(seal: Exclude<SealCheck, { status: 'unsigned' }>, identity: SigningIdentity): SealSummary {
	return {
		valid: seal.status === 'valid',
		signer: seal.signer,
		signedAt: seal.signedAt,
		ours: seal.certificate.raw.equals(identity.certificate.raw),
		certificateSha256: certificateSha256(seal.certificate)
	};
}

function lowerFirst(text: string): string {
	return text ? text[0].toLowerCase() + text.slice(1) : text;
}
