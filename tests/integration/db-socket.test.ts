import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/lib/server/db/embedded';
import { connectPreferringSocket, localSocketPath } from '../../src/lib/server/db/local-socket';

describe('DATABASE_SOCKET: a loopback PostgreSQL over its Unix socket, only when asked and only the same server', () => {
	const dir = mkdtempSync(join(tmpdir(), 'mou-socket-test-'));
	writeFileSync(join(dir, '.s.PGSQL.5433'), '');
	let embedded: EmbeddedPostgres | null = null;
	afterAll(async () => {
		await embedded?.stop();
		rmSync(dir, { recursive: true, force: true });
	});

	it('finds the socket of the URL’s port for a loopback URL, and nothing otherwise', () => {
		expect(localSocketPath('postgres://app@127.0.0.1:5433/mou', dir)).toBe(join(dir, '.s.PGSQL.5433'));
		expect(localSocketPath('postgres://app@localhost:5433/mou', dir)).toBe(join(dir, '.s.PGSQL.5433'));
		expect(localSocketPath('postgres://app@127.0.0.1:5432/mou', dir)).toBeNull(); // no socket for 5432 there
		expect(localSocketPath('postgres://app@db.internal:5433/mou', dir)).toBeNull();
		expect(localSocketPath('postgres://app@127.0.0.1:5433/mou?sslmode=require', dir)).toBeNull();
		expect(localSocketPath('postgres://app@127.0.0.1:5433/mou', undefined)).toBeNull(); // TCP unless asked
		expect(localSocketPath('postgres://app@127.0.0.1:5433/mou', 'off')).toBeNull();
	});

	it('stays on TCP when the socket belongs to another server than the URL', async () => {
		embedded = await startEmbeddedPostgres();
		// The socket is an embedded PGlite's; the URL names loopback port 5432 (this machine's
		// PostgreSQL, or nothing listening): whichever it is, it is not the PGlite behind the socket.
		const url = 'postgres://postgres@127.0.0.1:5432/postgres';
		const socketDir = dirname(embedded.socketPath);
		expect(localSocketPath(url, socketDir)).toBe(embedded.socketPath);
		const { sql, path } = await connectPreferringSocket(url, socketDir, { max: 1, onnotice: () => {}, connect_timeout: 2 });
		expect(path).toBeNull();
		await sql.end({ timeout: 1 });
	});
});
