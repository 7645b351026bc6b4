import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/lib/server/db';

/**
 * A fresh, migrated database for one test file. Against the real PostgreSQL named by
 * DATABASE_URL (a new database per call, dropped on close), or — with TEST_DB=pglite or no
 * DATABASE_URL — an in-memory embedded PGlite.
 */
export async function freshDatabase(): Promise<Database & { url?: string }> {
	const url = process.env.DATABASE_URL;
	if (!url || process.env.TEST_DB === 'pglite') return openDatabase({});
	const name = `mou_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	await admin.end();
	const testUrl = new URL(url);
	testUrl.pathname = `/${name}`;
	const db = await openDatabase({ url: testUrl.toString(), max: 5 });
	return {
		...db,
		url: testUrl.toString(),
		async close() {
			await db.close();
			const cleanup = postgres(url, { max: 1, onnotice: () => {} });
			await cleanup.unsafe(`drop database if exists ${name} with (force)`);
			await cleanup.end();
		}
	};
}

/** A test file's database, with its address when it is a real PostgreSQL one. */
export type TestDatabase = Awaited<ReturnType<typeof freshDatabase>>;
