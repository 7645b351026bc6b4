import type { Duplex } from 'node:stream';
import type { WebSocket, RawData } from 'ws';
import { CloseCode } from '../../collab/protocol';
import { TokenBucket } from './limits';
import { decodeClientMessage, MalformedMessage, type ClientMessage } from './messages';
import type { CollabIdentity, CollabLimits, CollabLog } from './types';

export type MessageHandler = (message: ClientMessage) => void;

/** How long a peer that missed a pong gets to receive our close frame before the socket goes. */
const DEAD_PEER_GRACE_MS = 2_000;
/** Unsent bytes beyond which a peer counts as not reading. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** A close reason must fit in a control frame (123 bytes of UTF-8). */
const MAX_REASON_BYTES = 120;

let nextConnectionId = 1;

/**
 * One websocket: size limits, decoding, liveness. Messages that arrive before a handler is
 * attached (while authorizing and loading the document) wait in order in the inbox.
 */
export class Connection {
	readonly id = nextConnectionId++;
	identity: CollabIdentity | null = null;
	/** Awareness client ids this connection has announced; removed when it goes. */
	readonly awarenessClients = new Set<number>();
	private handler: MessageHandler | null = null;
	private inbox: Uint8Array[] = [];
	private inboxBytes = 0;
	private alive = true;
	private ended = false;
	private readonly bucket: TokenBucket;
	/** Closed for exceeding the message rate (counted by the server). */
	rateLimited = false;
	private readonly endListeners: Array<(code: number, reason: string) => void> = [];
	/** The socket is corked until the end of this turn (see send). */
	private corked = false;

	constructor(
		private readonly ws: WebSocket,
		readonly mouId: string | null,
		private readonly limits: CollabLimits,
		private readonly log: CollabLog
	) {
		this.bucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
		ws.on('message', (data, isBinary) => this.receive(data, isBinary));
		ws.on('pong', () => (this.alive = true));
		ws.on('close', (code, reason) => this.end(code, reason.toString()));
		ws.on('error', (error) => this.logEvent('collab.socket_error', { error: error.message }));
	}

	get isOpen(): boolean {
		return !this.ended;
	}

	get canWrite(): boolean {
		return this.identity?.canWrite === true;
	}

	/** Runs once, when we close the connection or the peer does. */
	onEnd(listener: (code: number, reason: string) => void): void {
		this.endListeners.push(listener);
	}

	/** Starts delivering messages, first those that waited. */
	attach(handler: MessageHandler): void {
		this.handler = handler;
		const waiting = this.inbox;
		this.inbox = [];
		this.inboxBytes = 0;
		for (const bytes of waiting) {
			if (this.ended) return;
			this.dispatch(bytes);
		}
	}

	send(message: Uint8Array): void {
		if (this.ended || this.ws.readyState !== this.ws.OPEN) return;
		if (!this.corked) {
			// A peer that stops reading must not make the server buffer the room's traffic forever
			// (checked once a turn: within one, only that turn's frames are added).
			if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
				this.close(CloseCode.goingAway, 'Connection too slow; reconnect');
				return;
			}
			this.corkForThisTurn();
		}
		// No per-frame callback: a failed write errors the socket, which closes it (and ends us).
		this.ws.send(message);
	}

	/**
	 * One socket write per connection per event-loop turn: what a connection is sent in one turn
	 * (a stored batch, the acknowledgement, presence) is held and leaves in one writev when the
	 * turn's promise continuations are done. ws has no cork of its own, so the TCP socket under it
	 * is corked (its frames stay whole and in order; ws's own cork/uncork nest inside ours).
	 */
	private corkForThisTurn(): void {
		if (this.corked) return;
		const socket = (this.ws as unknown as { _socket?: Duplex | null })._socket;
		if (!socket || typeof socket.cork !== 'function') return;
		socket.cork();
		this.corked = true;
		process.nextTick(() => {
			this.corked = false;
			socket.uncork();
		});
	}

	close(code: number, reason: string): void {
		if (this.ended) return;
		try {
			this.ws.close(code, truncateReason(reason));
		} catch (error) {
			// An invalid close code (e.g. from a custom authorize) must not leave the socket open.
			this.logEvent('collab.error', { stage: 'close', code, error: errorMessage(error) });
			this.ws.terminate();
		}
		this.end(code, reason);
	}

	/** Called every ping interval: a peer that has not answered the previous ping is dead. */
	heartbeat(): void {
		if (this.ended) return;
		if (!this.alive) {
			this.close(CloseCode.deadConnection, 'No answer to ping');
			setTimeout(() => this.ws.terminate(), DEAD_PEER_GRACE_MS).unref();
			return;
		}
		this.alive = false;
		this.ws.ping();
	}

	/** Drops the socket without a closing handshake (shutdown stragglers). */
	terminate(): void {
		this.ws.terminate();
		this.end(CloseCode.goingAway, 'Terminated');
	}

	logEvent(event: string, fields: Record<string, unknown> = {}): void {
		this.log({
			event,
			connection: this.id,
			mouId: this.mouId,
			userId: this.identity?.userId,
			...fields
		});
	}

	private receive(data: RawData, isBinary: boolean): void {
		if (this.ended) return;
		const bytes = copyBytes(data);
		if (bytes.length > this.limits.maxMessageBytes) {
			this.close(CloseCode.tooLarge, `Message of ${bytes.length} bytes exceeds ${this.limits.maxMessageBytes}`);
			return;
		}
		if (!this.bucket.take()) {
			this.rateLimited = true;
			this.close(CloseCode.rateLimited, `Too many messages (over ${this.limits.messagesPerSecond} per second); reconnect shortly`);
			return;
		}
		if (!isBinary) {
			this.close(CloseCode.malformed, 'Text messages are not part of the protocol');
			return;
		}
		if (this.handler) {
			this.dispatch(bytes);
			return;
		}
		// Bound what a client can pile up before it is even authorized.
		this.inboxBytes += bytes.length;
		if (this.inboxBytes > 4 * this.limits.maxMessageBytes) {
			this.close(CloseCode.rateLimited, 'Too much data before the document was ready');
			return;
		}
		this.inbox.push(bytes);
	}

	private dispatch(bytes: Uint8Array): void {
		let message: ClientMessage;
		try {
			message = decodeClientMessage(bytes);
		} catch (error) {
			const reason = error instanceof MalformedMessage ? error.message : 'undecodable message';
			this.close(CloseCode.malformed, `Malformed message: ${reason}`);
			return;
		}
		try {
			this.handler?.(message);
		} catch (error) {
			this.logEvent('collab.error', { stage: 'handle', error: errorMessage(error) });
			this.close(CloseCode.internalError, 'Internal error');
		}
	}

	private end(code: number, reason: string): void {
		if (this.ended) return;
		this.ended = true;
		this.handler = null;
		this.inbox = [];
		for (const listener of this.endListeners) listener(code, reason);
	}
}

/** A fresh copy that owns its buffer exactly (see decodeClientMessage). */
function copyBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
	if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
	return new Uint8Array(data);
}

function truncateReason(reason: string): string {
	const bytes = Buffer.from(reason, 'utf8');
	if (bytes.length <= MAX_REASON_BYTES) return reason;
	return bytes
		.subarray(0, MAX_REASON_BYTES)
		.toString('utf8')
		.replace(/\uFFFD$/, '');
}

export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
