/**
 * Load-generator clients speaking the y-websocket protocol as a browser's WebsocketProvider does
 * (sync step 1/2, updates, awareness), kept lean so that one process can drive thousands.
 * A writer holds a real Y.Doc and types into an unlocked clause; a reader only decodes which of
 * the writer's edits an update carries, and times it against the writer's send time (one clock).
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { editableTexts } from './collab-load-doc';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_PERSISTED = 8;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;
const EMPTY_UPDATE = new Uint8Array([0, 0]);
const EMPTY_STATE_VECTOR = new Uint8Array([0]);

/** Latency samples in milliseconds. */
export class Samples {
	values: number[] = [];
	add(ms: number): void {
		this.values.push(ms);
	}
	percentile(p: number): number {
		if (this.values.length === 0) return NaN;
		const sorted = Float64Array.from(this.values).sort();
		return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
	}
}

/** What one room's writer sent when, by the writer's clock after each edit. */
export class SendLog {
	readonly sentAt = new Map<number, number>();
	writerClient = -1;
	recording = false;
	keystrokes = 0;
}

export interface ClientOptions {
	url: string;
	cookie?: string;
	name: string;
	/**
	 * Hocuspocus framing: every message starts with the document's name, and the connection opens
	 * with an authentication message for it (the server answers, then syncs).
	 */
	hocuspocusDocument?: string;
}

const HOCUSPOCUS_AUTH = 2;
const HOCUSPOCUS_AUTH_TOKEN = 0;

abstract class BenchClient {
	readonly ws: WebSocket;
	readonly opened: Promise<void>;
	readonly synced: Promise<void>;
	closeCode: number | null = null;
	protected markSynced!: () => void;
	private readonly address: string | undefined;

	constructor(options: ClientOptions) {
		this.address = options.hocuspocusDocument;
		this.ws = new WebSocket(options.url, { headers: options.cookie ? { cookie: options.cookie } : {}, perMessageDeflate: false });
		this.ws.binaryType = 'nodebuffer';
		this.synced = new Promise((resolve, reject) => {
			this.markSynced = resolve;
			this.ws.on('close', (code) => reject(new Error(`closed with ${code} before it was synced`)));
		});
		this.synced.catch(() => {}); // a failure is counted where synced is awaited
		this.opened = new Promise((resolve, reject) => {
			this.ws.once('open', () => resolve());
			this.ws.once('error', reject);
		});
		this.ws.on('error', () => {});
		this.ws.on('close', (code) => (this.closeCode = code));
		this.ws.on('open', () => {
			if (this.address !== undefined) this.send(hocuspocusAuth());
			this.send(syncMessage(SYNC_STEP_1, this.stateVector()));
			this.send(awarenessMessage(this.clientId(), 1, { user: { name: options.name, color: '#264' } }));
		});
		this.ws.on('message', (data: Buffer) => this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
	}

	close(): void {
		this.ws.terminate();
	}

	protected send(message: Uint8Array): void {
		if (this.ws.readyState === WebSocket.OPEN) this.ws.send(this.address === undefined ? message : addressed(this.address, message));
	}

	private receive(message: Uint8Array): void {
		const decoder = decoding.createDecoder(message);
		if (this.address !== undefined) decoding.readVarString(decoder);
		const type = decoding.readVarUint(decoder);
		if (type === MESSAGE_SYNC) {
			const step = decoding.readVarUint(decoder);
			const payload = decoding.readVarUint8Array(decoder);
			if (step === SYNC_STEP_1) this.send(syncMessage(SYNC_STEP_2, this.answerStep1(payload)));
			else if (step === SYNC_STEP_2) {
				this.applyDocument(payload);
				this.markSynced();
			} else if (step === SYNC_UPDATE) this.applyUpdate(payload);
		} else if (type === MESSAGE_PERSISTED && this.address === undefined) this.persisted(decoder); // Hocuspocus's 8 is "applied", not "stored"
	}

	protected abstract clientId(): number;
	protected abstract stateVector(): Uint8Array;
	protected abstract answerStep1(stateVector: Uint8Array): Uint8Array;
	protected abstract applyDocument(update: Uint8Array): void;
	protected abstract applyUpdate(update: Uint8Array): void;
	protected persisted(_decoder: decoding.Decoder): void {}
}

/** Types one character per keystroke at the end of an unlocked paragraph, moving its cursor too. */
export class Writer extends BenchClient {
	readonly doc: Y.Doc;
	private text: Y.XmlText | null = null;
	private position = 0;
	private awarenessClock = 1;
	/** Sent clock → time, until the server acknowledges it stored that far. */
	private readonly unacknowledged = new Map<number, number>();
	/** Where durable-acknowledgement times go (servers that send them). */
	ackLatency: Samples | null = null;

	constructor(
		options: ClientOptions,
		initial: Uint8Array | null,
		private readonly log: SendLog,
		private readonly cursors: boolean
	) {
		const doc = new Y.Doc({ gc: false });
		if (initial) Y.applyUpdate(doc, initial);
		super(options);
		this.doc = doc;
		log.writerClient = doc.clientID;
		doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === this) this.send(syncMessage(SYNC_UPDATE, update));
		});
	}

	keystroke(): void {
		if (this.ws.readyState !== WebSocket.OPEN) return;
		if (!this.text) {
			// The last unlocked paragraph of the document: typing appends a sentence to it.
			const texts = editableTexts(this.doc);
			this.text = texts[texts.length - 1];
			this.position = this.text.length;
		}
		const now = performance.now();
		this.doc.transact(() => this.text!.insert(this.position++, 'abcdefghij'[this.position % 10]), this);
		const clock = Y.getState(this.doc.store, this.doc.clientID);
		this.log.keystrokes++;
		if (this.log.recording) this.log.sentAt.set(clock, now);
		if (this.ackLatency && this.log.recording) this.unacknowledged.set(clock, now);
		if (this.cursors) {
			this.send(
				awarenessMessage(this.doc.clientID, ++this.awarenessClock, {
					user: { name: 'writer', color: '#264' },
					cursor: { anchor: this.position, head: this.position }
				})
			);
		}
	}

	protected clientId(): number {
		return this.doc?.clientID ?? 0;
	}
	protected stateVector(): Uint8Array {
		return Y.encodeStateVector(this.doc);
	}
	protected answerStep1(stateVector: Uint8Array): Uint8Array {
		return Y.encodeStateAsUpdate(this.doc, stateVector);
	}
	protected applyDocument(update: Uint8Array): void {
		Y.applyUpdate(this.doc, update, 'server');
	}
	protected applyUpdate(update: Uint8Array): void {
		Y.applyUpdate(this.doc, update, 'server');
	}
	protected persisted(decoder: decoding.Decoder): void {
		const count = decoding.readVarUint(decoder);
		for (let i = 0; i < count; i++) {
			const client = decoding.readVarUint(decoder);
			const clock = decoding.readVarUint(decoder);
			if (client !== this.doc.clientID || !this.ackLatency) continue;
			const now = performance.now();
			for (const [sent, at] of this.unacknowledged) {
				if (sent > clock) break;
				this.ackLatency.add(now - at);
				this.unacknowledged.delete(sent);
			}
		}
	}
}

/** Receives the document once, then only reads which writer edits each update carries. */
export class Reader extends BenchClient {
	private readonly id = Math.floor(Math.random() * 2 ** 31);
	documentBytes = 0;

	/** Where propagation times go. */
	latency = new Samples();

	constructor(
		options: ClientOptions,
		private readonly log: SendLog
	) {
		super(options);
	}

	protected clientId(): number {
		return this.id;
	}
	protected stateVector(): Uint8Array {
		return EMPTY_STATE_VECTOR;
	}
	protected answerStep1(): Uint8Array {
		return EMPTY_UPDATE;
	}
	protected applyDocument(update: Uint8Array): void {
		this.documentBytes = update.length;
	}
	protected applyUpdate(update: Uint8Array): void {
		if (!this.log.recording) return;
		const now = performance.now();
		const { from, to } = Y.parseUpdateMeta(update);
		const first = from.get(this.log.writerClient);
		const last = to.get(this.log.writerClient);
		if (first === undefined || last === undefined) return;
		for (let clock = first + 1; clock <= last; clock++) {
			const sent = this.log.sentAt.get(clock);
			if (sent !== undefined) this.latency.add(now - sent);
		}
	}
}

/** A client that opens a document and measures how long until it holds all of it. */
export async function timeToLoad(options: ClientOptions): Promise<{ ms: number; bytes: number }> {
	const started = performance.now();
	const doc = new Y.Doc({ gc: false });
	const ws = new WebSocket(options.url, { headers: options.cookie ? { cookie: options.cookie } : {}, perMessageDeflate: false });
	const address = options.hocuspocusDocument;
	const send = (message: Uint8Array) => ws.send(address === undefined ? message : addressed(address, message));
	try {
		const bytes = await new Promise<number>((resolve, reject) => {
			ws.on('error', reject);
			ws.on('close', (code) => reject(new Error(`closed with ${code}`)));
			ws.on('open', () => {
				if (address !== undefined) send(hocuspocusAuth());
				send(syncMessage(SYNC_STEP_1, EMPTY_STATE_VECTOR));
			});
			ws.on('message', (data: Buffer) => {
				const decoder = decoding.createDecoder(new Uint8Array(data));
				if (address !== undefined) decoding.readVarString(decoder);
				if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
				const step = decoding.readVarUint(decoder);
				const payload = decoding.readVarUint8Array(decoder);
				if (step === SYNC_STEP_1) send(syncMessage(SYNC_STEP_2, EMPTY_UPDATE));
				if (step !== SYNC_STEP_2) return;
				Y.applyUpdate(doc, payload);
				resolve(payload.length);
			});
		});
		return { ms: performance.now() - started, bytes };
	} finally {
		ws.terminate();
		doc.destroy();
	}
}

/** Pushes a whole document to a server that has nothing (the reference server keeps no store). */
export async function seedDocument(options: ClientOptions, state: Uint8Array): Promise<void> {
	const log = new SendLog();
	const writer = new Writer(options, state, log, false);
	await writer.synced;
	// The server asked for our state in its sync step 1 and got it in our step 2; give it a moment.
	await new Promise((resolve) => setTimeout(resolve, 50));
	writer.close();
}

/** Prefixes a y-websocket message with the document it is about (Hocuspocus's multiplexing). */
function addressed(documentName: string, message: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, documentName);
	encoding.writeUint8Array(encoder, message);
	return encoding.toUint8Array(encoder);
}

/** What HocuspocusProvider sends first: a token (none needed here) and its protocol version. */
function hocuspocusAuth(): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, HOCUSPOCUS_AUTH);
	encoding.writeVarUint(encoder, HOCUSPOCUS_AUTH_TOKEN);
	encoding.writeVarString(encoder, '');
	return encoding.toUint8Array(encoder);
}

function syncMessage(step: number, payload: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	encoding.writeVarUint(encoder, step);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
}

function awarenessMessage(clientId: number, clock: number, state: unknown): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, 1);
	encoding.writeVarUint(update, clientId);
	encoding.writeVarUint(update, clock);
	encoding.writeVarString(update, JSON.stringify(state));
	encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update));
	return encoding.toUint8Array(encoder);
}
