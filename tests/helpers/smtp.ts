import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
	from: string;
	to: string[];
	raw: string;
}

/** A real SMTP server on loopback that keeps what it receives; `refuse` makes it reject mail. */
export async function startSmtpServer() {
	const received: ReceivedMail[] = [];
	let refuse = false;
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', () => {
				if (refuse) return callback(new Error('Mailbox unavailable (test refusal)'));
				received.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks).toString('utf8')
				});
				callback();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.server.address() as AddressInfo;
	return {
		url: `smtp://127.0.0.1:${port}`,
		received,
		setRefusing(value: boolean) {
			refuse = value;
		},
		/** Resolves once a message to `address` has arrived. */
		async waitFor(address: string, timeoutMs = 5000) {
			const start = Date.now();
			while (Date.now() - start < timeoutMs) {
				const found = received.find((m) => m.to.includes(address));
				if (found) return found;
				await new Promise((r) => setTimeout(r, 25));
			}
			throw new Error(`No mail to ${address} within ${timeoutMs} ms`);
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

/** The decoded text of a raw message (quoted-printable soft breaks joined). */
export function mailText(raw: string): string {
	return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

export function firstLink(raw: string, path: string): string {
	const match = new RegExp(`https?://[^\\s"<>]*${path}[^\\s"<>]*`).exec(mailText(raw));
	if (!match) throw new Error(`No ${path} link in mail`);
	return match[0];
}
