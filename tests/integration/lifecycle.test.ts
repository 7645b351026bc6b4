import { describe, expect, it } from 'vitest';
import { counselForFile } from '../helpers/file-database';
import { createMouBetween, type Person } from '../helpers/fixtures';
import { touchActivity, transitionStatus } from '../../src/lib/server/mous';
import { hasSqlState, SqlState, type Database } from '../../src/lib/server/db';
import { isEditable, MOU_STATUSES } from '../../src/lib/mou/lifecycle';

let db: Database;
let agency: Person;
let district: Person;
counselForFile((world) => ({ db, agency, district } = world));

async function row(mouId: string) {
	const [found] = await db.sql<{ status: string; lastActivityAt: Date }[]>`
		select status, last_activity_at as "lastActivityAt" from mous where id = ${mouId}`;
	return found;
}

describe('an MOU status change', () => {
	it('is a compare-and-set: of two requests moving the same MOU, one wins', async () => {
		const mouId = await createMouBetween(db.sql, agency, district, 'Compare and set');
		const moves = await Promise.all([1, 2].map(() => db.sql.begin((tx) => transitionStatus(tx, mouId, 'negotiating', 'agreed'))));
		expect(moves.sort()).toEqual([false, true]);
		expect((await row(mouId)).status).toBe('agreed');
		// A move from a status the MOU is no longer in changes nothing.
		expect(await db.sql.begin((tx) => transitionStatus(tx, mouId, 'negotiating', 'agreed'))).toBe(false);
		expect((await row(mouId)).status).toBe('agreed');
	});

	it('goes only along the lifecycle', async () => {
		const mouId = await createMouBetween(db.sql, agency, district, 'No shortcuts');
		await expect(db.sql.begin((tx) => transitionStatus(tx, mouId, 'negotiating', 'signed'))).rejects.toThrow(/does not go from negotiating to signed/);
		expect((await row(mouId)).status).toBe('negotiating');
	});

	it('counts as activity on the MOU', async () => {
		const mouId = await createMouBetween(db.sql, agency, district, 'Activity');
		const at = new Date('2031-05-06T07:08:09Z');
		expect(await db.sql.begin((tx) => transitionStatus(tx, mouId, 'negotiating', 'agreed', at))).toBe(true);
		expect((await row(mouId)).lastActivityAt.toISOString()).toBe(at.toISOString());
	});
});

describe('the database', () => {
	it('refuses text changes in exactly the statuses the lifecycle calls not editable, with its own SQLSTATE', async () => {
		const mouId = await createMouBetween(db.sql, agency, district, 'Trigger');
		for (const status of MOU_STATUSES) {
			await db.sql`update mous set status = ${status} where id = ${mouId}`;
			const stored = await db.sql`insert into mou_updates (mou_id, update) values (${mouId}, ${new Uint8Array([0, 0])})`.then(
				() => null,
				(error: unknown) => error
			);
			if (isEditable(status)) expect(stored, status).toBeNull();
			else {
				expect(hasSqlState(stored, SqlState.mouTextFrozen), status).toBe(true);
				expect((stored as Error).message, status).toMatch(/can no longer change/);
			}
		}
	});
});

describe('the last activity of an MOU', () => {
	it('is stamped now, or at the caller’s clock', async () => {
		const mouId = await createMouBetween(db.sql, agency, district, 'Stamps');
		const at = new Date('2030-01-02T03:04:05Z');
		await touchActivity(db.sql, mouId, at);
		expect((await row(mouId)).lastActivityAt.toISOString()).toBe(at.toISOString());
		await touchActivity(db.sql, mouId);
		expect(Date.now() - (await row(mouId)).lastActivityAt.getTime()).toBeLessThan(60_000);
	});
});
