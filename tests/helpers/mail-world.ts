import { afterAll, beforeAll } from 'vitest';
import { createMailer, type Mailer } from '../../src/lib/server/mail';
import { freshDatabase, type TestDatabase } from './db';
import { startSmtpServer } from './smtp';

export type SmtpServer = Awaited<ReturnType<typeof startSmtpServer>>;

export interface MailWorld {
	db: TestDatabase;
	smtp: SmtpServer;
	/** Delivers to `smtp`. */
	mailer: Mailer;
}

/**
 * The world of a test file that sends mail: a fresh database, a real SMTP server on loopback and a
 * mailer that delivers to it, started before the file's tests and closed after them (a file's own
 * later hooks run inside: started after, stopped before). `ready` hands it to the file's variables.
 */
export function mailWorld(ready: (world: MailWorld) => void) {
	let world: MailWorld | undefined;
	beforeAll(async () => {
		const db = await freshDatabase();
		const smtp = await startSmtpServer();
		world = { db, smtp, mailer: createMailer({ sql: db.sql, smtpUrl: smtp.url }) };
		ready(world);
	});
	afterAll(async () => {
		world?.mailer.close();
		await world?.smtp.close();
		await world?.db.close();
	});
}
