import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import forge from 'node-forge';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freshDatabase } from '../helpers/db';
import { counselForFile } from '../helpers/file-database';
import { createMouBetween, type Person } from '../helpers/fixtures';
import { libreOfficeSignatures, withOneByteChanged } from '../helpers/libreoffice';
import { certificateFor } from '../unit/export-fixtures';
import { loadDocumentState } from '../../src/lib/server/collab';
import { issueSignedDocx, type CertificateLoader } from '../../src/lib/server/export';
import { checkSeal, signingIdentity } from '../../src/lib/server/seal';
import { generateIdentity } from '../../src/lib/server/seal/identity';
import type { Database } from '../../src/lib/server/db';

/**
 * The signed DOCX carries an OOXML digital signature that LibreOffice (and so anyone) checks
 * without us: valid as issued, broken after one byte of any signed part changes.
 */

let db: Database;
let agency: Person;
let district: Person;
const work = mkdtempSync(join(tmpdir(), 'mou-seal-'));
counselForFile((world) => ({ db, agency, district } = world));
afterAll(async () => {
	rmSync(work, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function signedMou() {
	const mouId = await createMouBetween(db.sql, agency, district);
	const state = await loadDocumentState(db.sql, mouId);
	const [{ seq }] = await db.sql`select coalesce(max(seq), 0)::text as seq from mou_updates where mou_id = ${mouId}`;
	const [agreed] = await db.sql<{ id: string }[]>`
		insert into mou_versions (mou_id, number, kind, label, party, created_by, through_seq, state, sha256)
		values (${mouId}, 1, 'agreed', 'Version 1 — agreed', 'agency', ${agency.user.id}, ${seq}, ${state}, ${sha256(state)}) returning id`;
	await db.sql`update mous set status = 'signed' where id = ${mouId}`;
	const certificate = certificateFor(mouId, agreed.id, sha256(state));
	return { mouId, certificate, loadCertificate: vi.fn<CertificateLoader>(async () => certificate) };
}

describe('the digital signature of the signed DOCX', () => {
	it('is valid in LibreOffice as issued, and broken after one byte of any signed part changes', async () => {
		const { mouId, loadCertificate } = await signedMou();
		const issued = await issueSignedDocx({ sql: db.sql, loadCertificate }, mouId);
		const parts = unzipSync(issued.bytes);
		// What Word and LibreOffice look for.
		expect(Object.keys(parts)).toEqual(
			expect.arrayContaining(['_xmlsignatures/sig1.xml', '_xmlsignatures/origin.sigs', '_xmlsignatures/_rels/origin.sigs.rels'])
		);
		expect(strFromU8(parts['_rels/.rels'])).toContain('relationships/digital-signature/origin');
		expect(strFromU8(parts['[Content_Types].xml'])).toContain('Extension="sigs"');
		expect(strFromU8(parts['_xmlsignatures/sig1.xml'])).toContain(`MOU ${mouId}`);

		const signedParts = Object.keys(parts).filter(
			(n) => !n.startsWith('_xmlsignatures/') && !['[Content_Types].xml', 'docProps/core.xml', 'docProps/app.xml'].includes(n) && !n.endsWith('/')
		);
		expect(signedParts).toEqual(expect.arrayContaining(['word/document.xml', '_rels/.rels', 'word/_rels/document.xml.rels', 'docProps/custom.xml']));
		const files = [join(work, 'issued.docx')];
		writeFileSync(files[0], issued.bytes);
		for (const [i, part] of signedParts.entries()) {
			const file = join(work, `changed-${i}.docx`);
			writeFileSync(file, withOneByteChanged(issued.bytes, part));
			files.push(file);
		}
		const verdicts = libreOfficeSignatures(files);
		expect(verdicts.get(files[0])).toEqual([expect.objectContaining({ valid: true, signer: expect.stringContaining('CN=MOU Studio at ') })]);
		// Self-signed: valid, but its certificate is not one the reader trusts.
		expect(verdicts.get(files[0])![0].certificateStatus).not.toBe(0);
		for (const [i, part] of signedParts.entries()) {
			expect(verdicts.get(files[i + 1]), part).toEqual([expect.objectContaining({ valid: false })]);
			// Our own check agrees, and names the part.
			const check = checkSeal(readFileSync(files[i + 1]));
			expect(check, part).toMatchObject({ status: 'broken', altered: [part] });
		}
		expect(checkSeal(issued.bytes)).toMatchObject({ status: 'valid', altered: [], signatureBroken: false, signer: expect.stringContaining('MOU Studio at ') });
	}, 240_000);

	it('signs with one certificate per deployment, its key stored encrypted, never in the clear', async () => {
		const dir = join(work, 'data');
		const env = { DATA_DIR: dir, ORIGIN: 'https://mou.example.org' };
		const other = await freshDatabase();
		try {
			const first = await signingIdentity(other.sql, env);
			const again = await signingIdentity(other.sql, env);
			expect(again.certificate.fingerprint256).toBe(first.certificate.fingerprint256);
			expect(first.certificate.subject).toContain('CN=MOU Studio at mou.example.org');
			const [row] = await other.sql`select certificate_pem, encrypted_key_pem from signing_identity`;
			expect(row.encrypted_key_pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
			expect(row.certificate_pem).toContain('BEGIN CERTIFICATE');
			// The secret that encrypts it lives outside the database, readable by this user only.
			expect(statSync(join(dir, 'signing-key.secret')).mode & 0o077).toBe(0);
			// Without that secret the key cannot be used.
			await expect(signingIdentity(other.sql, { ...env, SIGNING_KEY_SECRET: 'not the secret' })).rejects.toThrow(/cannot be decrypted/);
		} finally {
			await other.close();
		}
	});

	it('uses the organization’s own certificate and key, as PEM or PKCS#12', async () => {
		const stored = generateIdentity('agency.example', 'pass');
		const keyFile = join(work, 'key.pem');
		writeFileSync(keyFile, stored.encryptedKeyPem);
		const pem = await signingIdentity(db.sql, { SIGNING_CERT: stored.certificatePem, SIGNING_KEY: keyFile, SIGNING_KEY_PASSPHRASE: 'pass' });
		expect(pem.certificate.subject).toContain('CN=MOU Studio at agency.example');

		const key = forge.pki.decryptRsaPrivateKey(stored.encryptedKeyPem, 'pass');
		const p12 = forge.pkcs12.toPkcs12Asn1(key, [forge.pki.certificateFromPem(stored.certificatePem)], 'p12 pass', { algorithm: '3des' });
		const p12File = join(work, 'org.p12');
		writeFileSync(p12File, Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'));
		const fromP12 = await signingIdentity(db.sql, { SIGNING_KEY: p12File, SIGNING_KEY_PASSPHRASE: 'p12 pass' });
		expect(fromP12.certificate.fingerprint256).toBe(new X509Certificate(stored.certificatePem).fingerprint256);
		await expect(signingIdentity(db.sql, { SIGNING_KEY: p12File, SIGNING_KEY_PASSPHRASE: 'wrong' })).rejects.toThrow(/PKCS#12/);

		// A key that is not the certificate's is refused at once.
		const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
		await expect(signingIdentity(db.sql, { SIGNING_CERT: stored.certificatePem, SIGNING_KEY: stranger })).rejects.toThrow(/not the key of SIGNING_CERT/);
	});
});
