import { describe, expect, it } from 'vitest';
import { databaseForFile } from '../helpers/file-database';
import type { Database } from '../../src/lib/server/db';
import { appendAudit, verifyAuditChain } from '../../src/lib/server/signing';
import { addColleague, createMouBetween, createOrganization } from '../helpers/fixtures';

let db: Database;

databaseForFile((opened) => (db = opened));

async function mouWithTrail(entries = 6) {
	const agency = await createOrganization(db.sql, 'agency');
	const district = await createOrganization(db.sql, 'district');
	await addColleague(db.sql, agency, 'signatory');
	const mouId = await createMouBetween(db.sql, agency, district);
	const start = Date.parse('2027-02-14T10:00:00.000Z');
	for (let i = 0; i < entries; i++) {
		await appendAudit(
			db.sql,
			{
				mouId,
				requestId: null,
				kind: i === 0 ? 'prepared' : 'viewed',
				actor: `Person ${i}`,
				actorEmail: `person${i}@example.org`,
				party: i % 2 ? 'district' : 'agency',
				ipAddress: '198.51.100.4',
				userAgent: 'Test',
				detail: { n: i, nested: { z: 'last', a: ['x', 1, true, null] } }
			},
			new Date(start + i * 1000 + 0.4)
		);
	}
	return mouId;
}

describe('the signing audit trail', () => {
	it('verifies an intact chain', async () => {
		const mouId = await mouWithTrail();
		expect(await verifyAuditChain(db.sql, mouId)).toEqual({ ok: true, entries: 6 });
		const rows = await db.sql`select seq, prev_hash, hash from signing_audit where mou_id = ${mouId} order by seq`;
		expect(rows[0].prev_hash).toBe('0'.repeat(64));
		for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
	});

	it('is append-only: the database refuses to change or remove an entry', async () => {
		const mouId = await mouWithTrail(3);
		await expect(db.sql`update signing_audit set actor = 'Someone else' where mou_id = ${mouId} and seq = 2`).rejects.toThrow(/append-only/);
		await expect(db.sql`delete from signing_audit where mou_id = ${mouId} and seq = 2`).rejects.toThrow(/append-only/);
		// Removing the MOU itself takes its trail with it.
		await db.sql`delete from mous where id = ${mouId}`;
		expect(await db.sql`select 1 from signing_audit where mou_id = ${mouId}`).toHaveLength(0);
	});

	it('reports an edited entry in the middle as the first broken link', async () => {
		const mouId = await mouWithTrail();
		await db.sql.begin(async (tx) => {
			await tx`alter table signing_audit disable trigger signing_audit_append_only`;
			await tx`update signing_audit set ip_address = '192.0.2.99' where mou_id = ${mouId} and seq = 3`;
			await tx`alter table signing_audit enable trigger signing_audit_append_only`;
		});
		expect(await verifyAuditChain(db.sql, mouId)).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringMatching(/Entry 3 was changed/) });
	});

	it('reports an edit that also recomputes the entry’s own hash at the next entry', async () => {
		const mouId = await mouWithTrail();
		const { entryHashFor } = await import('./signing-audit-helpers');
		await db.sql.begin(async (tx) => {
			await tx`alter table signing_audit disable trigger signing_audit_append_only`;
			await tx`update signing_audit set detail = ${tx.json({ n: 99 })} where mou_id = ${mouId} and seq = 3`;
			const [row] = await tx`select * from signing_audit where mou_id = ${mouId} and seq = 3`;
			await tx`update signing_audit set hash = ${entryHashFor(row)} where mou_id = ${mouId} and seq = 3`;
			await tx`alter table signing_audit enable trigger signing_audit_append_only`;
		});
		expect(await verifyAuditChain(db.sql, mouId)).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringMatching(/Entry 4 does not link to entry 3/) });
	});

	it('reports a deleted entry in the middle', async () => {
		const mouId = await mouWithTrail();
		await db.sql.begin(async (tx) => {
			await tx`alter table signing_audit disable trigger signing_audit_append_only`;
			await tx`delete from signing_audit where mou_id = ${mouId} and seq = 4`;
			await tx`alter table signing_audit enable trigger signing_audit_append_only`;
		});
		expect(await verifyAuditChain(db.sql, mouId)).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringMatching(/Entry 4 is missing/) });
	});

	it('reports entries removed from the end', async () => {
		const mouId = await mouWithTrail();
		await db.sql.begin(async (tx) => {
			await tx`alter table signing_audit disable trigger signing_audit_append_only`;
			await tx`delete from signing_audit where mou_id = ${mouId} and seq >= 5`;
			await tx`alter table signing_audit enable trigger signing_audit_append_only`;
		});
		expect(await verifyAuditChain(db.sql, mouId)).toMatchObject({ ok: false, brokenAt: 5, reason: expect.stringMatching(/5 to 6 are missing/) });
	});

	it('keeps one chain when entries are appended concurrently', async () => {
		const mouId = await mouWithTrail(1);
		await Promise.all(Array.from({ length: 8 }, (_, i) => appendAudit(db.sql, { mouId, requestId: null, kind: 'viewed', actor: `Racer ${i}` }, new Date())));
		expect(await verifyAuditChain(db.sql, mouId)).toEqual({ ok: true, entries: 9 });
	});
});
