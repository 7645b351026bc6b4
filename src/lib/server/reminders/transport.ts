import nodemailer from 'nodemailer';

/** Hands one message to the SMTP server; rejects when the server refuses it or cannot be reached. */
export interface ReminderTransport {
	/** `messageId` is the same on every attempt of one reminder, so a repeat is recognisable as one. */
	send(mail: { to: string; subject: string; text: string; html: string; messageId: string }): Promise<void>;
	close(): void;
}

/**
 * Reminders keep their own delivery state (attempts, back-off on the injected clock, at most once),
 * so they hand each message to the SMTP server here rather than through the mail layer, whose
 * outbox retries a failed message on its own schedule. Timeouts are short: a sweep must not hang
 * on a server that does not answer; the reminder is retried instead.
 */
export function smtpTransport(smtpUrl: string, from = 'MOU Studio <no-reply@mou-studio.local>'): ReminderTransport {
	const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 });
	return {
		async send(mail) {
			await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId });
		},
		close() {
			transport.close();
		}
	};
}
