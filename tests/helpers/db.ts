import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/lib/server/db';
import { TEMPLATE_ENV } from './pglite-template';

/**
 * A fresh, migrated database for one test file. Against the real PostgreSQL named by
 * DATABASE_URL (a new database per call, dropped on close), or — with TEST_DB=pglite or no
 * DATABASE_URL — an embedded PGlite: a copy of the one vitest's global setup migrated
 * (tests/helpers/pglite-template.ts), or, outside vitest, one in memory, migrated here.
 */
export async function freshDatabase(): Promise<Database & { url?: string }> {
	const url = process.env.DATABASE_URL;
	if (!url || process.env.TEST_DB === 'pglite') return embeddedDatabase();
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

async function embeddedDatabase(): Promise<Database> {
	const template = process.env[TEMPLATE_ENV];
	if (!template) return openDatabase({});
	const root = mkdtempSync(join(tmpdir(), 'mou-pglite-test-'));
	const dataDir = join(root, 'pglite');
	cpSync(template, dataDir, { recursive: true });
	// openDatabase still runs migrate(), which finds every migration applied.
	const db = await openDatabase({ dataDir });
	return {
		...db,
		async close() {
			await db.close();
			rmSync(root, { recursive: true, force: true });
		}
	};
}

/** A test file's database, with its address when it is a real PostgreSQL one. */
export type TestDatabase = Awaited<ReturnType<typeof freshDatabase>>;
