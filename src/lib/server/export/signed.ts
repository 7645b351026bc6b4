import { createHash } from 'node:crypto';
import type { Sql, Tx } from '$lib/server/db';
import { sealDocx, signingIdentity } from '$lib/server/seal';
import { mouTemplate } from '$lib/server/profiles';
import { printConditions } from '$lib/templates/print';
import type { CompletionCertificate } from '$lib/signing/certificate';
import { readStoredMou } from '$lib/document';
import { renderSignedDocx } from './render';
import * as store from './store';

/**
 * The signed DOCX is issued once per MOU: rendered from the agreed version and the certificate,
 * stored with its SHA-256, and from then on the stored bytes are what everyone gets — by email,
 * by download, forever — because that hash is what the verification page recognises.
 */

export type CertificateLoader = (sql: Sql | Tx, mouId: string) => Promise<CompletionCertificate | null>;

export interface IssueDeps {
	/** The pool, or the transaction that completes the signing (the file is issued inside it). */
	sql: Sql | Tx;
	/**
	 * Where the certificate comes from: the signing feature's loadCertificate, passed in by signing
	 * and the routes (tests pass their own), so that export never imports signing — signing calls
	 * into export when it completes, and the dependency goes one way.
	 */
	loadCertificate: CertificateLoader;
	now?: () => Date;
}

export interface IssuedDocument {
	sha256: string;
	bytes: Uint8Array;
	filename: string;
}

export class SignedDocumentUnavailable extends Error {}

export function sha256Hex(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

export async function issueSignedDocx(deps: IssueDeps, mouId: string): Promise<IssuedDocument> {
	const stored = await store.findSignedDocument(deps.sql, mouId);
	if (stored) return issued(stored);
	const mou = await store.findMou(deps.sql, mouId);
	if (!mou || mou.status !== 'signed') throw new SignedDocumentUnavailable(`MOU ${mouId} is not signed; there is no signed document to issue.`);
	const certificate = await deps.loadCertificate(deps.sql, mouId);
	if (!certificate) throw new SignedDocumentUnavailable(`MOU ${mouId} has no certificate of completion.`);
	const version = await store.versionWithState(deps.sql, mouId, certificate.versionId);
	if (!version || version.kind !== 'agreed') throw new SignedDocumentUnavailable(`The signed version of MOU ${mouId} is not its agreed version.`);
	// The file must hold exactly the text that was signed.
	if (sha256Hex(version.state) !== certificate.fingerprint.toLowerCase()) {
		throw new SignedDocumentUnavailable(`The agreed text of MOU ${mouId} does not match the fingerprint its signers signed.`);
	}
	const now = deps.now?.() ?? new Date();
	const rendered = await renderSignedDocx({
		mouId,
		mouTitle: mou.title,
		termDefinitions: mouTemplate(mou).terms,
		printWhen: printConditions(mouTemplate(mou)),
		partyNames: await store.partyNames(deps.sql, mouId),
		generatedAt: now,
		document: readStoredMou(version.state),
		certificate
	});
	// The OOXML digital signature: Word and LibreOffice check the file without us.
	const bytes = sealDocx(rendered.bytes, await signingIdentity(deps.sql), { signedAt: now, purpose: sealPurpose(mou.title, mouId) });
	await store.insertSignedDocument(deps.sql, {
		mouId,
		versionId: version.id,
		sha256: sha256Hex(bytes),
		bytes,
		filename: rendered.filename,
		certificate
	});
	// Whoever stored first wins; a request that rendered at the same time serves the stored bytes too.
	return issued((await store.findSignedDocument(deps.sql, mouId))!);
}

/** The signature's stated purpose, which Word and LibreOffice show with it; /verify reads the MOU id back from it. */
export function sealPurpose(title: string, mouId: string): string {
	return `Signed record of “${title}” issued by MOU Studio when every signer had signed (MOU ${mouId}).`;
}

function issued(row: store.SignedDocumentRow): IssuedDocument {
	return { sha256: row.sha256, bytes: new Uint8Array(row.bytes), filename: row.filename };
}
