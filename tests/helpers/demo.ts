import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import * as Y from 'yjs';
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
 * Copies of the demo's negotiated MOU, one per title (same Yjs state, same parties, new ids), each
 * with its text agreed as the approval step would leave it: for `startDemoApp`'s `prepare`.
 */
export async function agreedCopiesOfDemo(query: Query, titles: readonly string[]): Promise<string[]> {
	const [demo] = await query(`select id, template_id, template_version, created_by from mous where status = 'negotiating' order by created_at limit 1`);
	const updates = await query(`select update from mou_updates where mou_id = $1 order by seq`, [demo.id]);
	const checkpoint = await query(`select state from mou_checkpoints where mou_id = $1`, [demo.id]);
	const parts = [...checkpoint.map((c) => c.state as Uint8Array), ...updates.map((u) => u.update as Uint8Array)].map((b) => new Uint8Array(b));
	const state = Y.mergeUpdates(parts);
	const sha256 = createHash('sha256').update(state).digest('hex');
	const parties = await query(`select organization_id, side from mou_parties where mou_id = $1`, [demo.id]);
	const ids: string[] = [];
	for (const title of titles) {
		const [mou] = await query(
			`insert into mous (title, status, template_id, template_version, created_by) values ($1, 'negotiating', $2, $3, $4) returning id`,
			[title, demo.template_id, demo.template_version, demo.created_by]
		);
		for (const p of parties) await query(`insert into mou_parties (mou_id, organization_id, side) values ($1, $2, $3)`, [mou.id, p.organization_id, p.side]);
		const [stored] = await query(`insert into mou_updates (mou_id, update) values ($1, $2) returning seq`, [mou.id, state]);
		await query(`insert into mou_versions (mou_id, number, kind, label, through_seq, state, sha256) values ($1, 1, 'agreed', 'Agreed version', $2, $3, $4)`, [
			mou.id,
			stored.seq,
			state,
			sha256
		]);
		await query(`update mous set status = 'agreed' where id = $1`, [mou.id]);
		ids.push(mou.id as string);
	}
	return ids;
}

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
