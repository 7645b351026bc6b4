import { afterAll, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/lib/server/db';

let db: Database | null = null;
afterAll(async () => {
	await db?.close();
});

// postgres.js 4 reads the database's types when a query first meets one it does not know; on
// embedded PGlite that read must not wait behind the only connection's open transaction.
it('embedded PGlite: a type the client does not know, first met inside a transaction, is read', async () => {
	db = await openDatabase({});
	await db.sql`create type mood as enum ('calm', 'busy')`;
	const rows = await db.sql.begin(async (tx) => {
		await tx`select 1`;
		return tx<{ mood: string }[]>`select 'busy'::mood as mood`;
	});
	expect(rows[0].mood).toBe('busy');
}, 15_000);
