import { openDatabase, type Database } from '$lib/server/db';
import { createMailer, type Mailer } from '$lib/server/mail';
import { createCollabServer, createRedisRelay, type CollabLog } from '$lib/server/collab';
import { authorizeCollab, collabDocumentRules } from '$lib/server/mous';
import { startReminderScheduler } from '$lib/server/reminders';
import { signingIdentity } from '$lib/server/seal';
import { readConfig, type Config } from './config';

export interface Health {
	ok: boolean;
	database: 'ok' | 'down';
	/** 'off' when this instance runs alone (no REDIS_URL). */
	redis: 'ok' | 'down' | 'off';
}

export interface Runtime {
	config: Config;
	db: Database;
	mailer: Mailer;
	collab: ReturnType<typeof createCollabServer>;
	/**
	 * Call after a person's role or membership changed (demoted to viewer, removed): every instance
	 * re-checks that person's open websockets at once — one that lost write access is closed with
	 * 4409 and comes back read-only, one that lost the MOU is closed with 4401.
	 */
	refreshAccess(userId: string): Promise<void>;
	/** What a load balancer needs to know: can this instance reach its database and Redis? */
	health(): Promise<Health>;
	close(): Promise<void>;
}

// One per process, shared by SvelteKit, the websocket upgrade handler and the Vite dev plugin.
const KEY = Symbol.for('mou-studio.runtime');
type Holder = { [KEY]?: Promise<Runtime> };

/** A database that does not answer within this is as good as down for a load balancer. */
const HEALTH_TIMEOUT_MS = 2_000;

export function getRuntime(): Promise<Runtime> {
	const holder = globalThis as Holder;
	holder[KEY] ??= startRuntime();
	return holder[KEY];
}

/** One JSON object per line on stdout (log collectors read it as is). */
export const logJson: CollabLog = (event) => console.log(JSON.stringify({ time: new Date().toISOString(), ...event }));

async function startRuntime(): Promise<Runtime> {
	const config = readConfig();
	const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, socket: config.databaseSocket });
	// The certificate the signed DOCX files are signed with exists from the first start (made now if none is installed).
	await signingIdentity(db.sql);
	const mailer = createMailer({ sql: db.sql, smtpUrl: config.smtpUrl, from: config.mailFrom });
	const relay = config.redisUrl ? createRedisRelay({ url: config.redisUrl, prefix: config.redisPrefix, log: logJson }) : undefined;
	const collab = createCollabServer({
		sql: db.sql,
		authorize: (req, mouId) => authorizeCollab(db.sql, req, mouId),
		documentRules: (mouId) => collabDocumentRules(db.sql, mouId),
		limits: config.collabLimits,
		log: logJson,
		relay
	});
	const retry = setInterval(() => void mailer.retryFailed().catch(() => {}), 60_000);
	retry.unref();
	// Review reminders and signing duties (reminders, expiry) run on pg-boss in PostgreSQL.
	const scheduler = await startReminderScheduler({
		sql: db.sql,
		mailer,
		smtpUrl: config.smtpUrl,
		mailFrom: config.mailFrom,
		origin: config.publicOrigin,
		collab,
		log: logJson
	});
	return {
		config,
		db,
		mailer,
		collab,
		refreshAccess: (userId) => collab.refreshAccess(userId),
		async health() {
			const [database, redis] = await Promise.all([databaseHealth(db), collab.relayHealth()]);
			return { ok: database === 'ok' && redis !== 'down', database, redis };
		},
		async close() {
			clearInterval(retry);
			await scheduler.stop();
			await collab.close();
			mailer.close();
			await db.close();
		}
	};
}

async function databaseHealth(db: Database): Promise<'ok' | 'down'> {
	const timeout = new Promise<'down'>((resolve) => setTimeout(() => resolve('down'), HEALTH_TIMEOUT_MS).unref());
	const query = db.sql`select 1`.then(
		() => 'ok' as const,
		() => 'down' as const
	);
	return Promise.race([query, timeout]);
}
