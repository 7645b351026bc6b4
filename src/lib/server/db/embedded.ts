import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
	socketPath: string;
	stop(): Promise<void>;
}

/**
 * Starts PGlite behind a Postgres wire-protocol socket so that postgres.js — the same
 * driver and SQL as production — talks to it. `dataDir` undefined means in memory.
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
	if (dataDir) mkdirSync(dataDir, { recursive: true });
	const db = await PGlite.create(dataDir ? { dataDir } : {});
	const socketDir = mkdtempSync(join(tmpdir(), 'mou-pglite-'));
	const socketPath = join(socketDir, '.s.PGSQL.5432');
	const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 4 });
	await server.start();
	return {
		socketPath,
		async stop() {
			await server.stop();
			await db.close();
		}
	};
}
