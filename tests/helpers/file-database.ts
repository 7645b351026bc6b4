import { afterAll, beforeAll } from 'vitest';
import { freshDatabase, type TestDatabase } from './db';
import { counselOfEachParty, type Person } from './fixtures';

/**
 * A test file's own fresh, migrated database: opened before the file's tests and closed after them
 * (the file's later hooks run inside: started after, stopped before). `ready` hands it to the file
 * and may put its people in.
 */
export function databaseForFile(ready: (db: TestDatabase) => unknown) {
	let db: TestDatabase | undefined;
	beforeAll(async () => {
		db = await freshDatabase();
		await ready(db);
	});
	afterAll(async () => {
		await db?.close();
	});
}

/** databaseForFile with counsel of an agency and of a district in it (counselOfEachParty). */
export function counselForFile(ready: (world: { db: TestDatabase; agency: Person; district: Person }) => void) {
	databaseForFile(async (db) => ready({ db, ...(await counselOfEachParty(db.sql)) }));
}
