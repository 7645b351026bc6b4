import { openDatabase, type Database } from '$lib/server/db';
import { createMailer, type Mailer } from '$lib/server/mail';
import { createCollabServer } from '$lib/server/collab';
import { authorizeCollab } from '$lib/server/mous';
import { readConfig, type Config } from './config';

export interface Runtime {
	config: Config;
	db: Database;
	mailer: Mailer;
	collab: ReturnType<typeof createCollabServer>;
	close(): Promise<void>;
}

// One per process, shared by SvelteKit, the websocket upgrade handler and the Vite dev plugin.
const KEY = Symbol.for('mou-studio.runtime');
type Holder = { [KEY]?: Promise<Runtime> };

export function getRuntime(): Promise<Runtime> {
	const holder = globalThis as Holder;
	holder[KEY] ??= startRuntime();
	return holder[KEY];
}

async function startRuntime(): Promise<Runtime> {
	const config = readConfig();
	const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
	const mailer = createMailer({ sql: db.sql, smtpUrl: config.smtpUrl, from: config.mailFrom });
	const collab = createCollabServer({
		sql: db.sql,
		authorize: (req, mouId) => authorizeCollab(db.sql, req, mouId),
		log: (event) => console.log(JSON.stringify({ time: new Date().toISOString(), ...event }))
	});
	const retry = setInterval(() => void mailer.retryFailed().catch(() => {}), 60_000);
	retry.unref();
	return {
		config,
		db,
		mailer,
		collab,
		async close() {
			clearInterval(retry);
			await collab.close();
			mailer.close();
			await db.close();
		}
	};
}
