import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { waitFor as waitUntil } from './wait';
import { MESSAGE_NOTICE, MESSAGE_PERSISTED, MESSAGE_SYNC, readNotice, readPersisted, type NoticeTopic } from '../../src/lib/collab/protocol';

/**
 * A bare y-websocket peer for tests: a Y.Doc synced from the server, nothing else. It speaks the
 * protocol the way a browser does (sync step 1 on open, answers the server's step 1 with its own
 * step 2) but sends local edits only when told to — so a test can send any update, well-formed
 * or not, and watch exactly what the server does with it.
 */
export interface YjsClient {
	readonly doc: Y.Doc;
	readonly ws: WebSocket;
	/** Client id → clock the server reported as stored (MESSAGE_PERSISTED). */
	readonly persisted: Map<number, number>;
	/** Notice topics the server sent, in order. */
	readonly notices: Array<NoticeTopic | null>;
	/** Updates the server broadcast to this client since it synced. */
	readonly broadcasts: number;
	/** Set once the connection has closed. */
	readonly closeEvent: { code: number; reason: string } | null;
	readonly closed: Promise<{ code: number; reason: string }>;
	/** Resolves when the server has answered our sync step 1. */
	readonly synced: Promise<void>;
	isOpen(): boolean;
	/** Runs a real edit on the local doc, sends the update it produces, returns those bytes. */
	edit(change: (doc: Y.Doc) => void): Uint8Array;
	/** Sends update bytes as a y-websocket sync update message. */
	sendUpdate(update: Uint8Array): void;
	/**
	 * Sends a sync step 1 and waits for the answer. The server handles one connection's
	 * messages in order, so everything sent before has been dealt with when this resolves.
	 */
	roundTrip(): Promise<void>;
	/** Waits until the server reports everything this client wrote as stored. */
	allStored(): Promise<void>;
	close(): void;
}

const REMOTE = Symbol('server');
const LOCAL = Symbol('local');

export function syncStep1Message(doc = new Y.Doc()): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	syncProtocol.writeSyncStep1(encoder, doc);
	return encoding.toUint8Array(encoder);
}

export function updateMessage(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	syncProtocol.writeUpdate(encoder, update);
	return encoding.toUint8Array(encoder);
}

/** Connects `doc` (a fresh one by default) to a collaboration URL with the given session cookie. */
export function connectYjsClient(url: string, cookie: string, doc: Y.Doc = new Y.Doc()): YjsClient {
	const ws = new WebSocket(url, { headers: { cookie }, perMessageDeflate: false });
	const persisted = new Map<number, number>();
	const notices: Array<NoticeTopic | null> = [];
	const stepTwoWaiters: Array<() => void> = [];
	let broadcasts = 0;
	let closeEvent: { code: number; reason: string } | null = null;
	let markSynced: () => void = () => {};
	const synced = new Promise<void>((resolve) => (markSynced = resolve));
	stepTwoWaiters.push(() => markSynced());

	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		ws.on('close', (code, reason) => {
			closeEvent = { code, reason: reason.toString() };
			resolve(closeEvent);
		})
	);
	ws.on('error', () => {}); // the close event carries what a test needs
	ws.on('open', () => ws.send(syncStep1Message(doc)));
	ws.on('message', (data) => {
		const decoder = decoding.createDecoder(new Uint8Array(data as Buffer));
		const type = decoding.readVarUint(decoder);
		if (type === MESSAGE_PERSISTED) {
			for (const [client, clock] of readPersisted(decoder)) persisted.set(client, clock);
			return;
		}
		if (type === MESSAGE_NOTICE) {
			notices.push(readNotice(decoder));
			return;
		}
		if (type !== MESSAGE_SYNC) return; // awareness: not needed here
		const reply = encoding.createEncoder();
		encoding.writeVarUint(reply, MESSAGE_SYNC);
		const step = syncProtocol.readSyncMessage(decoder, reply, doc, REMOTE);
		if (step === syncProtocol.messageYjsSyncStep2) stepTwoWaiters.shift()?.();
		if (step === syncProtocol.messageYjsUpdate) broadcasts++;
		// Our answer to the server's step 1: whatever this doc has that the server lacks.
		if (encoding.length(reply) > 1 && ws.readyState === ws.OPEN) ws.send(encoding.toUint8Array(reply));
	});

	const sendUpdate = (update: Uint8Array) => ws.send(updateMessage(update));

	return {
		doc,
		ws,
		persisted,
		notices,
		get broadcasts() {
			return broadcasts;
		},
		get closeEvent() {
			return closeEvent;
		},
		closed,
		synced,
		isOpen: () => ws.readyState === ws.OPEN,
		edit(change) {
			const updates: Uint8Array[] = [];
			const capture = (update: Uint8Array, origin: unknown) => {
				if (origin === LOCAL) updates.push(update);
			};
			doc.on('update', capture);
			doc.transact(() => change(doc), LOCAL);
			doc.off('update', capture);
			if (updates.length !== 1) throw new Error(`expected one update from the edit, got ${updates.length}`);
			sendUpdate(updates[0]);
			return updates[0];
		},
		sendUpdate,
		roundTrip() {
			return new Promise<void>((resolve) => {
				stepTwoWaiters.push(resolve);
				ws.send(syncStep1Message(doc));
			});
		},
		allStored() {
			const own = doc.clientID;
			return waitFor(() => (persisted.get(own) ?? 0) >= Y.getState(doc.store, own), 'edits reported stored');
		},
		close() {
			ws.close();
		}
	};
}

/** `waitFor` of ./wait.ts, polling often and giving up sooner: these clients answer within milliseconds. */
export function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
	return waitUntil(condition, what, timeoutMs, 5);
}

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
export function within<T>(promise: Promise<T>, what: string, timeoutMs = 5_000): Promise<T> {
	let timer: ReturnType<typeof setTimeout>;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`timed out waiting for: ${what}`)), timeoutMs);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
