import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { databaseForFile } from '../helpers/file-database';
import { counselOfEachParty, addColleague, createMouBetween, createOrganization, type Person } from '../helpers/fixtures';
import { certificateFor, runTexts, textContaining, unpack } from '../unit/export-fixtures';
import { loadDocumentState } from '../../src/lib/server/collab';
import {
	downloadSignedDocx,
	exportChoices,
	exportClean,
	exportRedline,
	issueSignedDocx,
	verifyDocument,
	type CertificateLoader
} from '../../src/lib/server/export';
import { loadCertificate as signingCertificate } from '../../src/lib/server/signing';
import type { Database } from '../../src/lib/server/db';
import type { Party } from '../../src/lib/redlines/types';
import { storeEditAs, suggestionMark } from '../helpers/stored-edits';

let db: Database;
let agency: Person;
let district: Person;
let viewer: Person;
let outsider: Person;
databaseForFile(async (opened) => {
	db = opened;
	({ agency, district } = await counselOfEachParty(db.sql));
	viewer = await addColleague(db.sql, district, 'viewer');
	outsider = await createOrganization(db.sql, 'agency');
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const mark = (person: Person, party: Party, id: string) => suggestionMark(person, party, id, '2026-02-01T10:00:00.000Z');

const editAs = (mouId: string, person: Person, party: Party, clientId: number, change: (doc: Y.Doc) => void) =>
	storeEditAs(db.sql, mouId, person, party, clientId, change);

async function comment(
	mouId: string,
	person: Person,
	party: Party,
	visibility: 'shared' | 'internal',
	body: string,
	quote = '',
	threadId: string | null = null
) {
	const [row] = await db.sql<{ id: string }[]>`
		insert into mou_comments (mou_id, thread_id, author_id, party, visibility, body, quote)
		values (${mouId}, ${threadId}, ${person.user.id}, ${party}, ${visibility}, ${body}, ${quote}) returning id`;
	return row.id;
}

async function recordVersion(mouId: string, number: number, kind: 'round' | 'agreed', label: string) {
	const state = await loadDocumentState(db.sql, mouId);
	const [{ seq }] = await db.sql`select coalesce(max(seq), 0)::text as seq from mou_updates where mou_id = ${mouId}`;
	const [row] = await db.sql<{ id: string }[]>`
		insert into mou_versions (mou_id, number, kind, label, party, created_by, through_seq, state, sha256)
		values (${mouId}, ${number}, ${kind}, ${label}, 'agency', ${agency.user.id}, ${seq}, ${state}, ${sha256(state)})
		returning id`;
	return { id: row.id, state };
}

describe('who may export', () => {
	it('gives every member of both parties the exports, and strangers a 404', async () => {
		const mouId = await createMouBetween(db.sql, agency, district);
		for (const person of [agency, district, viewer]) {
			expect((await exportRedline(db.sql, person.user, mouId)).ok).toBe(true);
			expect((await exportClean(db.sql, person.user, mouId, 'current')).ok).toBe(true);
			expect(await exportChoices(db.sql, person.user, mouId)).toMatchObject({ redline: true, signed: false });
		}
		expect(await exportRedline(db.sql, outsider.user, mouId)).toEqual({ ok: false, error: { code: 'not_found', message: 'No such MOU.' } });
		expect(await exportClean(db.sql, outsider.user, mouId, 'current')).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect(await downloadSignedDocx({ sql: db.sql, loadCertificate: signingCertificate }, outsider.user, mouId)).toMatchObject({
			ok: false,
			error: { code: 'not_found' }
		});
		expect(await exportChoices(db.sql, outsider.user, mouId)).toBeNull();
		expect(await exportRedline(db.sql, agency.user, 'not-an-id')).toMatchObject({ ok: false, error: { code: 'not_found' } });
	});
});

describe('the redline from the stored draft', () => {
	it('has both parties’ suggestions under their organizations’ names, and shared comments only', async () => {
		const mouId = await createMouBetween(db.sql, agency, district);
		await editAs(mouId, agency, 'agency', 7001, (doc) => {
			const found = textContaining(doc, 'The program exists to build');
			found.text.insert(found.index, 'Subject to state law, ', { insertion: mark(agency, 'agency', 'a1') });
		});
		await editAs(mouId, district, 'district', 7002, (doc) => {
			const found = textContaining(doc, 'lasting, constructive');
			found.text.format(found.index, 'lasting, '.length, { deletion: mark(district, 'district', 'd1') });
		});
		const shared = await comment(mouId, district, 'district', 'shared', 'Why "state law"?', 'Subject to state law,');
		await comment(mouId, agency, 'agency', 'shared', 'Our statute requires it.', '', shared);
		const internal = await comment(mouId, agency, 'agency', 'internal', 'INTERNAL: we could drop this if pressed', 'exists to build');
		await comment(mouId, agency, 'agency', 'internal', 'INTERNAL reply', '', internal);
		await comment(mouId, district, 'district', 'internal', 'DISTRICT INTERNAL note', 'Purpose');

		const [names] = await db.sql<{ agency: string; district: string }[]>`
			select (select name from organizations where id = ${agency.user.organizationId}) as agency,
				(select name from organizations where id = ${district.user.organizationId}) as district`;
		for (const reader of [agency, district]) {
			const result = await exportRedline(db.sql, reader.user, mouId);
			if (!result.ok) throw new Error(result.error.message);
			const parts = unpack(result.value.bytes);
			const xml = parts['word/document.xml'];
			const changes = [...xml.matchAll(/<w:(ins|del) w:id="\d+" w:author="([^"]*)" w:date="([^"]*)">(.*?)<\/w:\1>/g)].map((m) => ({
				kind: m[1],
				author: m[2],
				date: m[3],
				text: runTexts(m[4])
			}));
			// The comment's range splits the insertion in two runs; both are the agency's.
			expect(changes).toEqual([
				{ kind: 'ins', author: `${agency.user.name} (${names.agency})`, date: '2026-02-01T10:00:00Z', text: 'Subject to state law,' },
				{ kind: 'ins', author: `${agency.user.name} (${names.agency})`, date: '2026-02-01T10:00:00Z', text: ' ' },
				{ kind: 'del', author: `${district.user.name} (${names.district})`, date: '2026-02-01T10:00:00Z', text: 'lasting, ' }
			]);
			const comments = parts['word/comments.xml'];
			expect(comments).toContain('Why &quot;state law&quot;?');
			expect(comments).toContain('Our statute requires it.');
			expect(comments).not.toContain('INTERNAL');
			expect(JSON.stringify(parts)).not.toContain('INTERNAL');
			const anchored = [...xml.matchAll(/<w:commentRangeStart w:id="(\d+)"\/>(.*?)<w:commentRangeEnd w:id="\1"\/>/g)].map((m) => runTexts(m[2]));
			expect(anchored[0]).toBe('Subject to state law,');
		}
	});
});

describe('clean copies of versions', () => {
	it('renders any version of the MOU, and nothing of another MOU', async () => {
		const mouId = await createMouBetween(db.sql, agency, district);
		await editAs(mouId, agency, 'agency', 7101, (doc) => {
			const found = textContaining(doc, 'The program exists to build');
			found.text.insert(found.index, 'ROUND-ONE-INSERTION ', { insertion: mark(agency, 'agency', 'r1') });
		});
		const round = await recordVersion(mouId, 1, 'round', 'Round 1 — sent by the agency');
		const file = await exportClean(db.sql, district.user, mouId, round.id);
		if (!file.ok) throw new Error(file.error.message);
		const parts = unpack(file.value.bytes);
		expect(parts['docProps/custom.xml']).toContain('Round 1 — sent by the agency');
		expect(runTexts(parts['word/document.xml'])).not.toContain('ROUND-ONE-INSERTION');
		expect(runTexts(parts['word/document.xml'])).toContain('Open suggestions are not applied');

		const other = await createMouBetween(db.sql, agency, district);
		expect(await exportClean(db.sql, agency.user, other, round.id)).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect(await exportClean(db.sql, agency.user, mouId, '00000000-0000-4000-8000-000000000000')).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect(await exportClean(db.sql, agency.user, mouId, 'round-1')).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect((await exportChoices(db.sql, agency.user, mouId))!.versions).toEqual([
			{ id: round.id, label: 'Round 1 — sent by the agency', kind: 'round', createdAt: expect.any(String) }
		]);
	});
});

describe('the signed DOCX', () => {
	async function signedMou() {
		const mouId = await createMouBetween(db.sql, agency, district);
		const agreed = await recordVersion(mouId, 1, 'agreed', 'Version 1 — agreed');
		await db.sql`update mous set status = 'signed' where id = ${mouId}`;
		const certificate = certificateFor(mouId, agreed.id, sha256(agreed.state));
		const loadCertificate = vi.fn<CertificateLoader>(async () => certificate);
		return { mouId, agreed, certificate, loadCertificate };
	}

	it('is issued once, stored with its SHA-256, and the same bytes are served every time', async () => {
		const { mouId, certificate, loadCertificate } = await signedMou();
		const recordDownload = vi.fn(async () => {});
		const concurrent = await Promise.all([1, 2, 3].map(() => issueSignedDocx({ sql: db.sql, loadCertificate }, mouId)));
		expect(new Set(concurrent.map((d) => d.sha256)).size).toBe(1);
		const first = await downloadSignedDocx({ sql: db.sql, loadCertificate, recordDownload }, district.user, mouId, {
			ipAddress: '192.0.2.1',
			userAgent: 'test'
		});
		const second = await downloadSignedDocx({ sql: db.sql, loadCertificate, recordDownload }, viewer.user, mouId);
		if (!first.ok || !second.ok) throw new Error('not issued');
		expect(first.value.sha256).toBe(concurrent[0].sha256);
		expect(Buffer.from(second.value.bytes).equals(Buffer.from(first.value.bytes))).toBe(true);
		expect(sha256(first.value.bytes)).toBe(first.value.sha256);
		const rows = await db.sql`select sha256, version_id from signed_documents where mou_id = ${mouId}`;
		expect(rows).toEqual([{ sha256: first.value.sha256, version_id: certificate.versionId }]);
		// Downloads are recorded for the audit trail, with who and from where.
		expect(recordDownload).toHaveBeenCalledTimes(2);
		expect(recordDownload.mock.calls[0]).toEqual([
			db.sql,
			{ mouId, user: district.user, sha256: first.value.sha256, ipAddress: '192.0.2.1', userAgent: 'test' }
		]);
		// Once stored, the certificate is not even read again.
		const calls = loadCertificate.mock.calls.length;
		await issueSignedDocx({ sql: db.sql, loadCertificate }, mouId);
		expect(loadCertificate.mock.calls.length).toBe(calls);
		// And the stored file cannot be replaced.
		await expect(db.sql`update signed_documents set bytes = ${new Uint8Array([1])} where mou_id = ${mouId}`).rejects.toThrow(/cannot be changed/);
		const parts = unpack(first.value.bytes);
		expect(parts['docProps/custom.xml']).toContain(certificate.fingerprint);
		expect(Object.keys(parts).filter((name) => name.startsWith('word/media/'))).toHaveLength(3);
	});

	it('does not exist before the MOU is signed, nor for a text other than the one signed', async () => {
		const unsigned = await createMouBetween(db.sql, agency, district);
		expect(await downloadSignedDocx({ sql: db.sql, loadCertificate: async () => null }, agency.user, unsigned)).toMatchObject({
			ok: false,
			error: { code: 'not_available' }
		});
		const { mouId, certificate } = await signedMou();
		const tampered = { ...certificate, fingerprint: 'f'.repeat(64) };
		const refused = await downloadSignedDocx({ sql: db.sql, loadCertificate: async () => tampered }, agency.user, mouId);
		expect(refused).toMatchObject({ ok: false, error: { code: 'not_available', message: expect.stringContaining('does not match the fingerprint') } });
		const [{ count }] = await db.sql`select count(*)::int as count from signed_documents where mou_id = ${mouId}`;
		expect(count).toBe(0);
		// The signing feature's own certificate loader finds none: no signing was completed here.
		await expect(issueSignedDocx({ sql: db.sql, loadCertificate: signingCertificate }, mouId)).rejects.toThrow(/has no certificate of completion/);
	});

	it('verifies byte for byte: the issued file matches, a one-byte change does not, a text file is refused', async () => {
		const { mouId, certificate, loadCertificate } = await signedMou();
		const issued = await issueSignedDocx({ sql: db.sql, loadCertificate }, mouId);
		const match = await verifyDocument(db.sql, issued.bytes);
		expect(match).toMatchObject({ outcome: 'match', sha256: issued.sha256, certificate: { mouId, fingerprint: certificate.fingerprint } });
		if (match.outcome !== 'match') throw new Error('no match');
		expect(match.certificate.signers.map((s) => s.name)).toEqual(['Marcus Hale', 'Renee Ortiz', 'Janet Cole']);
		expect(Object.keys(match.parties).sort()).toEqual(['agency', 'district']);

		for (const at of [100, Math.floor(issued.bytes.length / 2), issued.bytes.length - 30]) {
			const changed = issued.bytes.slice();
			changed[at] ^= 0x01;
			const result = await verifyDocument(db.sql, changed);
			// Never the issued file; when its digital signature can still be read, it is that MOU, altered.
			expect(['no-match', 'altered'], `byte ${at}`).toContain(result.outcome);
			if (result.outcome === 'no-match') expect(JSON.stringify(result)).not.toContain(mouId);
			if (result.outcome === 'altered') expect(result).toMatchObject({ mouId, issuedSha256: issued.sha256 });
		}
		expect(await verifyDocument(db.sql, new TextEncoder().encode('not a document'))).toMatchObject({
			outcome: 'refused',
			reason: 'not-docx',
			message: expect.stringContaining('not a Word document')
		});
	});
});
