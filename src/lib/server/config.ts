import { resolve } from 'node:path';
import type { CollabLimits } from './collab';

/** Everything the server reads from its environment, in one place. */
export interface Config {
	/** Public origin for links in mail sent without a request (reminders): ORIGIN, else http://HOST:PORT. */
	publicOrigin: string;
	databaseUrl: string | undefined;
	/** DATABASE_SOCKET: "auto" or a directory reaches a loopback DATABASE_URL over its Unix socket (db/local-socket.ts). */
	databaseSocket: string | undefined;
	/** Where the embedded database keeps its files when no DATABASE_URL is set. */
	dataDir: string;
	smtpUrl: string | undefined;
	mailFrom: string | undefined;
	/** Redis that connects several app instances; without it this process is the only instance. */
	redisUrl: string | undefined;
	/** Prefix of this deployment's Redis channels (several deployments may share one Redis). */
	redisPrefix: string;
	/** Only the limits set in the environment; the rest keep the collaboration server's defaults. */
	collabLimits: Partial<CollabLimits>;
}

/** Environment variable → collaboration limit (all positive integers). */
const COLLAB_LIMIT_VARIABLES: Record<string, keyof CollabLimits> = {
	COLLAB_MAX_MESSAGE_BYTES: 'maxMessageBytes',
	COLLAB_MESSAGES_PER_SECOND: 'messagesPerSecond',
	COLLAB_MESSAGE_BURST: 'messageBurst',
	COLLAB_MAX_CONNECTIONS_PER_USER: 'maxConnectionsPerUser',
	COLLAB_MAX_CONNECTIONS_PER_DOCUMENT: 'maxConnectionsPerDocument',
	COLLAB_PING_INTERVAL_MS: 'pingIntervalMs',
	COLLAB_COMPACT_AFTER_UPDATES: 'compactAfterUpdates',
	COLLAB_CATCH_UP_INTERVAL_MS: 'catchUpIntervalMs'
};

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	return {
		publicOrigin: env.ORIGIN || `http://${env.HOST || '127.0.0.1'}:${env.PORT || 3000}`,
		databaseUrl: env.DATABASE_URL || undefined,
		databaseSocket: env.DATABASE_SOCKET || undefined,
		dataDir: resolve(env.DATA_DIR || '.data/pglite'),
		smtpUrl: env.SMTP_URL || undefined,
		mailFrom: env.MAIL_FROM || undefined,
		redisUrl: env.REDIS_URL || undefined,
		redisPrefix: env.REDIS_PREFIX || 'mou-studio:',
		collabLimits: readCollabLimits(env)
	};
}

/** A mistyped limit stops the start with a clear message rather than running unprotected. */
function readCollabLimits(env: NodeJS.ProcessEnv): Partial<CollabLimits> {
	const limits: Partial<CollabLimits> = {};
	for (const [variable, limit] of Object.entries(COLLAB_LIMIT_VARIABLES)) {
		const raw = env[variable];
		if (raw === undefined || raw === '') continue;
		const value = Number(raw);
		if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${variable} must be a positive whole number, not "${raw}"`);
		limits[limit] = value;
	}
	return limits;
}
