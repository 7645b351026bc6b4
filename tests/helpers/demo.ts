import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { freshDatabase } from './db';
import { get, postForm, startApp, type RunningApp } from './app';

export const DEMO_PASSWORD = 'springfield-demo-2026';
export const DEMO = {
	agencyCounsel: 'counsel@springfield-pd.example',
	chief: 'chief@springfield-pd.example',
	agencyViewer: 'viewer@springfield-pd.example',
	districtCounsel: 'counsel@springfield-usd.example',
	superintendent: 'superintendent@springfield-usd.example',
	districtViewer: 'viewer@springfield-usd.example'
} as const;

/** Runs SQL against the demo's database (real PostgreSQL or the embedded one). */
export type Query = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * The production server with the Springfield demo loaded, on the real PostgreSQL when DATABASE_URL
 * is set (a fresh database), else on its embedded database in a temporary directory. With `prepare`,
 * the demo is loaded first, then changed through SQL while the server is stopped (the embedded
 * database has one owner), then the server starts again: e.g. to make the demo MOU agreed or signed.
 */
export async function startDemoApp<T = undefined>(
	extraEnv: Record<string, string> = {},
	prepare?: (query: Query) => Promise<T>
): Promise<{ app: RunningApp; prepared: T; stop(): Promise<void> }> {
	const db = process.env.DATABASE_URL && process.env.TEST_DB !== 'pglite' ? await freshDatabase() : null;
	const dataDir = join(mkdtempSync(join(tmpdir(), 'mou-app-')), 'pglite');
	const env = db?.url ? { DATABASE_URL: db.url, MOU_DEMO: '1' } : { DATABASE_URL: '', DATA_DIR: dataDir, MOU_DEMO: '1' };
	let prepared = undefined as T;
	if (prepare) {
		await (await startApp(env)).stop();
		prepared = await prepareDatabase(db, dataDir, prepare);
	}
	const app = await startApp({ ...env, ...extraEnv });
	return {
		app,
		prepared,
		async stop() {
			await app.stop();
			await db?.close();
		}
	};
}

async function prepareDatabase<T>(db: Awaited<ReturnType<typeof freshDatabase>> | null, dataDir: string, prepare: (query: Query) => Promise<T>): Promise<T> {
	if (db) return prepare((text, params) => db.sql.unsafe(text, params as never[]) as never);
	const pg = await PGlite.create({ dataDir });
	try {
		return await prepare(async (text, params) => (await pg.query<Record<string, unknown>>(text, params)).rows);
	} finally {
		await pg.close();
	}
}

export async function signInCookie(app: RunningApp, email: string, password = DEMO_PASSWORD): Promise<string> {
	const response = await postForm(app, '/login', { email, password });
	const setCookie = response.headers.get('set-cookie') ?? '';
	const match = /mou_session=([^;]+)/.exec(setCookie);
	if (response.status !== 303 || !match) throw new Error(`sign-in failed for ${email}: ${response.status}`);
	return `mou_session=${match[1]}`;
}

/** The demo MOU both parties negotiate (the agency also has a draft of its own). */
export async function firstMouId(app: RunningApp, cookie: string): Promise<string> {
	const html = await (await get(app, '/mous', cookie)).text();
	const match = /href="\/mous\/([0-9a-f-]{36})"[^>]*>[^<]*2027–28/.exec(html);
	if (!match) throw new Error('the negotiated demo MOU is not listed');
	return match[1];
}
