import { CloseCode, RESYNC_CODES } from '../collab/protocol';

/**
 * What the editor does after the server closed the connection with a code y-websocket will not
 * reconnect on by itself (4400–4499).
 */
export type CloseAction =
	/** The server refused what this client sent: its local document is suspect. */
	| { kind: 'resync'; message: string }
	/** Transient: reconnect after a pause, keeping local edits (they are resent on sync). */
	| { kind: 'retry'; delayMs: number; message: string | null }
	/** Reconnecting cannot help until something changes (sign-in, access). */
	| { kind: 'stop'; message: string; canRetry: boolean }
	/**
	 * The MOU's status or the person's access changed (agreed, frozen): reload the page's data and
	 * the document, read-only until the page says what this person may now do.
	 */
	| { kind: 'status'; message: string };

const RATE_LIMIT_DELAY_MS = 4_000;
const RECONNECT_DELAY_MS = 1_000;

export function closeAction(code: number, reason: string): CloseAction {
	if (RESYNC_CODES.includes(code)) {
		const why = reason ? ` (${reason})` : '';
		return {
			kind: 'resync',
			message: `The server refused your last change${why}. The draft has been reloaded as the server has it; your edits since the last save were discarded.`
		};
	}
	switch (code) {
		case CloseCode.statusChanged:
			return {
				kind: 'status',
				message: 'This MOU’s status has changed. The draft was reloaded as the server has it; edits since the last save could not be kept.'
			};
		case CloseCode.rateLimited:
			// Jitter so that many throttled tabs do not return at the same instant.
			return {
				kind: 'retry',
				delayMs: RATE_LIMIT_DELAY_MS + Math.round(Math.random() * 2_000),
				message: 'The server is busy. Reconnecting in a few seconds; your edits are kept.'
			};
		case CloseCode.unauthenticated:
			return {
				kind: 'stop',
				message: 'You have been signed out. Sign in again (for example in another tab), then choose Reconnect.',
				canRetry: true
			};
		case CloseCode.forbidden:
			return { kind: 'stop', message: 'You no longer have access to this MOU.', canRetry: false };
		case CloseCode.notFound:
			return { kind: 'stop', message: 'This MOU could not be found. It may have been deleted.', canRetry: false };
		default:
			// 4408 (missed pings) and anything unforeseen: the connection, not the document, failed.
			return { kind: 'retry', delayMs: RECONNECT_DELAY_MS, message: null };
	}
}
