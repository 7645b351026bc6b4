import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/lib/server/db';

/** The variable through which the test files find the migrated template (see tests/helpers/db.ts). */
export const TEMPLATE_ENV = 'MOU_TEST_PGLITE_TEMPLATE';

/**
 * Vitest's global setup: when the tests run on embedded PGlite, every migration runs once here, on
 * an embedded database on disk (as the app keeps it in DATA_DIR), and each test file's database is a
 * copy of it. Creating and migrating PGlite costs seconds of CPU per file; copying the files, a fraction.
 */
export default async function setup() {
	if (process.env.DATABASE_URL && process.env.TEST_DB !== 'pglite') return;
	const root = mkdtempSync(join(tmpdir(), 'mou-pglite-template-'));
	const dataDir = join(root, 'pglite');
	const db = await openDatabase({ dataDir });
	await db.close();
	process.env[TEMPLATE_ENV] = dataDir;
	return () => rmSync(root, { recursive: true, force: true });
}
