import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * The production server with the Springfield demo loaded, on the real PostgreSQL when DATABASE_URL
 * is set (a fresh database), else on its embedded database in a temporary directory.
 */
export async function startDemoApp(extraEnv: Record<string, string> = {}) {
	const db = process.env.DATABASE_URL && process.env.TEST_DB !== 'pglite' ? await freshDatabase() : null;
	const env = db?.url
		? { DATABASE_URL: db.url, MOU_DEMO: '1', ...extraEnv }
		: { DATABASE_URL: '', DATA_DIR: join(mkdtempSync(join(tmpdir(), 'mou-app-')), 'pglite'), MOU_DEMO: '1', ...extraEnv };
	const app = await startApp(env);
	return {
		app,
		async stop() {
			await app.stop();
			await db?.close();
		}
	};
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
