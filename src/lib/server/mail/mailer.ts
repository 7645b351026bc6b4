import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Sql, Tx } from '$lib/server/db';
import * as store from './store';

export interface Mail {
	to: string;
	subject: string;
	text: string;
	html: string;
	/** The organization on whose behalf it is sent: its administrators see its delivery status (never its body). */
	organizationId: string | null;
	/**
	 * The account this message proves control of the address for (verification and reset links):
	 * with SMTP it is readable only in the mailbox; without, only in that account's inbox.
	 */
	proofFor?: string | null;
	/** Files to attach (SMTP only: the outbox keeps text and HTML, so a retried send goes without them). */
	attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
}

export interface Mailer {
	/** Records the message, then delivers it over SMTP when configured; never throws on SMTP failure. */
	send(mail: Mail): Promise<{ id: string; delivered: boolean }>;
	/** Records the message and delivers it in the background: the caller's answer does not wait on SMTP. */
	queue(mail: Mail): Promise<{ id: string }>;
	/**
	 * Records the messages on the caller's transaction (one INSERT): they exist if and only if it
	 * commits. Call the returned function after the commit to deliver them in the background; if
	 * it is never called (the process stopped), the retry pass sends them later.
	 */
	record(tx: Tx, mails: Mail[]): Promise<() => void>;
	/** Retries messages whose delivery failed; returns how many went out. */
	retryFailed(): Promise<number>;
	close(): void;
}

const MAX_ATTEMPTS = 8;

export function createMailer(options: { sql: Sql; smtpUrl?: string; from?: string }): Mailer {
	const { sql } = options;
	const from = options.from ?? 'MOU Studio <no-reply@mou-studio.local>';
	const transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null;

	async function deliver(id: string, mail: { to: string; subject: string; text: string; html: string; attachments?: Mail['attachments'] }) {
		if (!transport) {
			await store.markMessage(sql, id, 'kept', null);
			return false;
		}
		try {
			await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, attachments: mail.attachments });
			await store.markMessage(sql, id, 'sent', null);
			return true;
		} catch (error) {
			await store.markMessage(sql, id, 'failed', error instanceof Error ? error.message : String(error));
			return false;
		}
	}

	return {
		async send(mail) {
			const id = await store.insertMessage(sql, mail);
			return { id, delivered: await deliver(id, mail) };
		},
		async queue(mail) {
			const id = await store.insertMessage(sql, mail);
			// deliver() records a failure itself; a database error here is left to the retry pass.
			void deliver(id, mail).catch(() => {});
			return { id };
		},
		async record(tx, mails) {
			const recorded = mails.map((mail) => ({ ...mail, id: randomUUID() }));
			await store.insertMessages(tx, recorded);
			return () => {
				if (recorded.length === 0) return;
				// deliver() records a failure itself; a database error here is left to the retry pass.
				if (!transport)
					void store
						.markKept(
							sql,
							recorded.map((m) => m.id)
						)
						.catch(() => {});
				else for (const mail of recorded) void deliver(mail.id, mail).catch(() => {});
			};
		},
		async retryFailed() {
			if (!transport) return 0;
			let delivered = 0;
			for (const m of await store.claimRetryable(sql, MAX_ATTEMPTS)) {
				if (await deliver(m.id, { to: m.toAddress, subject: m.subject, text: m.textBody, html: m.htmlBody })) delivered++;
			}
			return delivered;
		},
		close() {
			transport?.close();
		}
	};
}
