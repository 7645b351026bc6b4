import { createHash } from 'node:crypto';
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseForFile } from '../helpers/file-database';
import { withOneByteChanged } from '../helpers/libreoffice';
import { createMailer, type Mailer } from '../../src/lib/server/mail';
import type { Database } from '../../src/lib/server/db';
import { exportClean, verifyDocument } from '../../src/lib/server/export';
import { sealDocx } from '../../src/lib/server/seal';
import { generateIdentity } from '../../src/lib/server/seal/identity';
import {
	giveConsent,
	loadCertificate,
	openSigningLink,
	requestCode,
	sendForSignature,
	sign,
	verifyAuditChain,
	verifyCode,
	type SigningDeps
} from '../../src/lib/server/signing';
import { certificateDocument } from '../../src/lib/server/signing/certificate-html';
import { agreedMou, codeIn, inkPng, lastMail, signToken, worldDraft } from './signing-world';
import { createPrivateKey, X509Certificate } from 'node:crypto';

/**
 * The signed DOCX as a record anyone can check: issued and sealed at completion, its SHA-256 in
 * the completion email and the certificate before anyone downloads it, the audit chain's head
 * in the email, and /verify telling an issued file, an altered one, an export and a stranger apart.
 */

let db: Database;
let mailer: Mailer;
const attachments: Buffer[] = [];
databaseForFile(async (opened) => {
	db = opened;
	mailer = createMailer({ sql: db.sql });
});
afterAll(async () => {
	mailer?.close();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const deps = (): SigningDeps => ({
	sql: db.sql,
	mailer: {
		...mailer,
		send: (mail) => ((mail as { attachments?: { content: Buffer }[] }).attachments?.forEach((a) => attachments.push(a.content)), mailer.send(mail))
	},
	origin: 'http://app.test'
});
const browser = { ipAddress: '203.0.113.7', userAgent: 'Vitest Browser/1.0' };

async function signedThroughCeremony() {
	const w = await agreedMou(db.sql);
	const sent = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, worldDraft(w, { reminderDays: '' }), browser);
	if (!sent?.ok) throw new Error(JSON.stringify(sent));
	for (const person of [w.chief, w.superintendent]) {
		const token = signToken((await lastMail(db.sql, person.email, 'Please sign%'))!.text);
		await requestCode(deps(), token, browser);
		const verified = await verifyCode(deps(), token, codeIn((await lastMail(db.sql, person.email, 'Your MOU Studio signing code'))!.text), browser);
		if (!verified.ok) throw new Error(verified.error.message);
		const ceremony = { ...browser, ceremonyToken: verified.value.ceremonyToken };
		await giveConsent(deps(), token, 'on', ceremony);
		const view = await openSigningLink(deps(), token, ceremony);
		const done = await sign(deps(), token, { kind: 'drawn', typedName: '', image: inkPng(), intent: 'on', fingerprint: view.agreement!.fingerprint }, ceremony);
		if (!done.ok) throw new Error(done.error.message);
	}
	return w;
}

function rezip(docx: Uint8Array, change: (files: Record<string, Uint8Array>) => void): Uint8Array {
	const files = unzipSync(docx);
	change(files);
	const zippable: Zippable = {};
	for (const [name, data] of Object.entries(files)) zippable[name] = data;
	return zipSync(zippable);
}

describe('the signed DOCX at completion', () => {
	it('is issued and sealed once; the email and the certificate give its SHA-256, the email the audit head', async () => {
		const w = await signedThroughCeremony();
		const [stored] = await db.sql<{ sha256: string; bytes: Uint8Array }[]>`select sha256, bytes from signed_documents where mou_id = ${w.mouId}`;
		expect(stored).toBeDefined();
		expect(sha256(stored.bytes)).toBe(stored.sha256);
		// Nobody has downloaded it: it was issued by the completion itself, and its issue is in the trail.
		const [sealed] = await db.sql<{ seq: number; hash: string; detail: { sha256: string; signedBy: string } }[]>`
			select seq, hash, detail from signing_audit where mou_id = ${w.mouId} and kind = 'sealed'`;
		expect(sealed.detail).toMatchObject({ sha256: stored.sha256, signedBy: expect.stringContaining('MOU Studio at ') });
		expect(await db.sql`select 1 from signing_audit where mou_id = ${w.mouId} and kind = 'downloaded'`).toHaveLength(0);

		for (const person of [w.agencyCounsel, w.districtCounsel, w.chief, w.superintendent]) {
			const mail = (await lastMail(db.sql, person.email, 'Signed:%'))!.text.replace(/\s+/g, ' ');
			expect(mail).toContain(`SHA-256 (what sha256sum prints for it) is ${stored.sha256}`);
			expect(mail).toContain(`entry ${sealed.seq}, hash ${sealed.hash}`);
			expect(mail).toContain('File › Info › Signatures');
		}
		// Every attachment is those very bytes.
		expect(attachments.length).toBeGreaterThanOrEqual(4);
		for (const attached of attachments) expect(sha256(attached)).toBe(stored.sha256);
		attachments.length = 0;

		const certificate = await loadCertificate(db.sql, w.mouId);
		expect(certificate?.signedFile?.sha256).toBe(stored.sha256);
		expect(certificateDocument(certificate!)).toContain(stored.sha256);
		expect(await verifyAuditChain(db.sql, w.mouId)).toMatchObject({ ok: true });
	}, 60_000);

	it('is told apart on /verify: issued, altered after signing, a clean export, not from MOU Studio', async () => {
		const w = await signedThroughCeremony();
		const [stored] = await db.sql<{ sha256: string; bytes: Uint8Array }[]>`select sha256, bytes from signed_documents where mou_id = ${w.mouId}`;
		const [{ title }] = await db.sql<{ title: string }[]>`select title from mous where id = ${w.mouId}`;
		const bytes = new Uint8Array(stored.bytes);

		const issued = await verifyDocument(db.sql, bytes);
		expect(issued).toMatchObject({
			outcome: 'match',
			seal: { valid: true, ours: true, signer: expect.stringContaining('MOU Studio at '), signedAt: expect.stringMatching(/^\d{4}-/) }
		});
		if (issued.outcome !== 'match') throw new Error('no match');
		expect(issued.certificate.signers.map((s) => s.name)).toEqual(['Marcus Reyes', 'Thomas Okafor']);

		const altered = await verifyDocument(db.sql, withOneByteChanged(bytes, 'word/document.xml'));
		expect(altered).toMatchObject({
			outcome: 'altered',
			mouId: w.mouId,
			title,
			issuedSha256: stored.sha256,
			altered: ['word/document.xml'],
			seal: { valid: false, ours: true }
		});

		const stripped = await verifyDocument(
			db.sql,
			rezip(bytes, (files) =>
				Object.keys(files)
					.filter((n) => n.startsWith('_xmlsignatures/'))
					.forEach((n) => delete files[n])
			)
		);
		expect(stripped).toMatchObject({ outcome: 'altered', mouId: w.mouId, signatureRemoved: true });

		const clean = await exportClean(db.sql, w.agencyCounsel.user, w.mouId, w.versionId);
		if (!clean.ok) throw new Error(clean.error.message);
		expect(await verifyDocument(db.sql, clean.value.bytes)).toMatchObject({ outcome: 'export', mouId: w.mouId, title });

		// A file that only claims to be that MOU (another title) learns nothing about it.
		const claiming = rezip(clean.value.bytes, (files) => {
			files['docProps/core.xml'] = strToU8(
				new TextDecoder().decode(files['docProps/core.xml']).replace(/<dc:title>[^<]*<\/dc:title>/, '<dc:title>Guess</dc:title>')
			);
		});
		const stranger = await verifyDocument(db.sql, claiming);
		expect(stranger).toEqual({ outcome: 'no-match', sha256: sha256(claiming) });

		// Signed by someone else's certificate: a signature, but not ours.
		const other = generateIdentity('elsewhere.example', 'x');
		const foreign = sealDocx(
			clean.value.bytes,
			{ privateKey: createPrivateKey({ key: other.encryptedKeyPem, passphrase: 'x' }), certificate: new X509Certificate(other.certificatePem) },
			{ signedAt: new Date(), purpose: `(MOU ${w.mouId})` }
		);
		expect(await verifyDocument(db.sql, foreign)).toMatchObject({ outcome: 'no-match', foreignSigner: 'MOU Studio at elsewhere.example' });
		expect(JSON.stringify(await verifyDocument(db.sql, foreign))).not.toContain(w.mouId);
	}, 60_000);
});
