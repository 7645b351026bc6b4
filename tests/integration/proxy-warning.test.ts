import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../helpers/app';
import { freshDatabase, type TestDatabase } from '../helpers/db';

/**
 * Behind a proxy without ADDRESS_HEADER, every request seems to come from the proxy, and the
 * per-address limits count everyone together: `npm start` says so in one line as it starts.
 */

let db: TestDatabase | null = null;
let env: Record<string, string>;
beforeAll(async () => {
	db = process.env.DATABASE_URL && process.env.TEST_DB !== 'pglite' ? await freshDatabase() : null;
	env = db?.url ? { DATABASE_URL: db.url } : { DATABASE_URL: '', DATA_DIR: join(mkdtempSync(join(tmpdir(), 'mou-proxy-')), 'pglite') };
});
afterAll(async () => {
	await db?.close();
});

async function startupOutput(extra: Record<string, string | undefined>) {
	const app = await startApp({ ORIGIN: undefined, PROTOCOL_HEADER: undefined, HOST_HEADER: undefined, ADDRESS_HEADER: undefined, ...env, ...extra });
	await app.stop();
	return app.output();
}

const WARNING =
	/^Warning: ORIGIN, PROTOCOL_HEADER or HOST_HEADER is set \(behind a proxy\?\) but ADDRESS_HEADER is not: .*per-address limits.*Set ADDRESS_HEADER/m;

describe('npm start', () => {
	it('warns, in one line, when it is behind a proxy (ORIGIN or PROTOCOL_HEADER) without ADDRESS_HEADER', async () => {
		const withOrigin = await startupOutput({ ORIGIN: 'https://mou.example.org' });
		expect(withOrigin).toMatch(WARNING);
		expect(withOrigin.split('\n').filter((line) => line.includes('ADDRESS_HEADER'))).toHaveLength(1);
		expect(await startupOutput({ PROTOCOL_HEADER: 'x-forwarded-proto', HOST_HEADER: 'x-forwarded-host' })).toMatch(WARNING);
	}, 120_000);

	it('says nothing of it with ADDRESS_HEADER set, or when not behind a proxy', async () => {
		const configured = await startupOutput({ ORIGIN: 'https://mou.example.org', ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
		expect(configured).toContain('MOU Studio is running at');
		expect(configured).not.toContain('ADDRESS_HEADER');
		const direct = await startupOutput({});
		expect(direct).toContain('MOU Studio is running at');
		expect(direct).not.toContain('ADDRESS_HEADER');
	}, 120_000);
});
