import { resolve } from 'node:path';

/** Everything the server reads from its environment, in one place. */
export interface Config {
	databaseUrl: string | undefined;
	/** Where the embedded database keeps its files when no DATABASE_URL is set. */
	dataDir: string;
	smtpUrl: string | undefined;
	mailFrom: string | undefined;
	redisUrl: string | undefined;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	return {
		databaseUrl: env.DATABASE_URL || undefined,
		dataDir: resolve(env.DATA_DIR || '.data/pglite'),
		smtpUrl: env.SMTP_URL || undefined,
		mailFrom: env.MAIL_FROM || undefined,
		redisUrl: env.REDIS_URL || undefined
	};
}
