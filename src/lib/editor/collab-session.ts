import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import { MESSAGE_NOTICE, MESSAGE_PERSISTED, MESSAGE_SYNC, readNotice, readPersisted, type NoticeTopic } from '../collab/protocol';
import { SaveTracker } from './save-tracker';
import { TERMS_FIELD } from '$lib/document';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export interface SessionSnapshot {
	status: ConnectionStatus;
	/** Received the server's document at least once: the editor can be shown. */
	loaded: boolean;
	/** Some local change is not yet known to be stored on the server. */
	unsaved: boolean;
}

export interface SessionCallbacks {
	onChange(snapshot: SessionSnapshot): void;
	/** The server closed with a code y-websocket does not reconnect on by itself. */
	onClosed(code: number, reason: string): void;
	/** The server says comments, history, status or decisions changed: reload that data. */
	onNotice?(topic: NoticeTopic): void;
}

type MessageHandler = WebsocketProvider['messageHandlers'][number];

/**
 * One Y.Doc bound to one MOU over y-websocket, plus what the editor needs to be honest about
 * saving. Thrown away whole (never patched) when the server refuses this client's state.
 */
export class CollabSession {
	readonly doc = new Y.Doc();
	readonly provider: WebsocketProvider;
	private readonly tracker: SaveTracker;
	private status: ConnectionStatus = 'connecting';
	private loaded = false;
	private stateRequest: 'idle' | 'waiting' | 'waiting-again' = 'idle';
	private destroyed = false;

	constructor(
		mouId: string,
		private readonly callbacks: SessionCallbacks
	) {
		this.tracker = new SaveTracker(this.doc, () => this.emit());
		// Cross-tab BroadcastChannel sync is off: another tab is not the server, so it must
		// neither count as "saved" nor re-deliver an update the server refused.
		this.provider = new WebsocketProvider(collabServerUrl(), mouId, this.doc, { connect: false, disableBc: true });
		this.installHandlers();
		this.provider.on('status', ({ status }) => {
			this.status = status;
			this.stateRequest = 'idle';
			this.emit();
		});
		this.provider.on('sync', (synced) => {
			if (synced) this.loaded = true;
			this.emit();
		});
		this.provider.on('closed', ({ code, reason }) => {
			if (!this.destroyed) this.callbacks.onClosed(code, reason);
		});
	}

	/** Opens the connection (separate from construction so callbacks can refer to the session). */
	connect(): void {
		if (!this.destroyed) this.provider.connect();
	}

	get terms(): Y.Map<string> {
		return this.doc.getMap<string>(TERMS_FIELD);
	}

	snapshot(): SessionSnapshot {
		return { status: this.status, loaded: this.loaded, unsaved: this.tracker.hasUnsavedChanges };
	}

	destroy(): void {
		if (this.destroyed) return;
		this.destroyed = true;
		this.tracker.destroy();
		this.provider.destroy();
		this.doc.destroy();
	}

	private emit(): void {
		if (!this.destroyed) this.callbacks.onChange(this.snapshot());
	}

	private installHandlers(): void {
		const handlers = this.provider.messageHandlers;
		const applySync: MessageHandler = handlers[MESSAGE_SYNC];
		handlers[MESSAGE_SYNC] = (encoder, decoder, provider, emitSynced, messageType) => {
			const step = this.learnFromServerSync(decoder);
			if (this.loaded || step !== syncProtocol.messageYjsSyncStep2) applySync(encoder, decoder, provider, emitSynced, messageType);
			else this.applyFirstState(() => applySync(encoder, decoder, provider, emitSynced, messageType), encoder);
		};
		handlers[MESSAGE_PERSISTED] = (_encoder, decoder) => {
			this.tracker.acknowledgeClocks(readPersisted(decoder));
			if (this.tracker.hasPendingDeletes) this.requestServerState();
		};
		handlers[MESSAGE_NOTICE] = (_encoder, decoder) => {
			const topic = readNotice(decoder);
			if (topic && !this.destroyed) this.callbacks.onNotice?.(topic);
		};
	}

	/**
	 * The server's document holds only what is stored, so whatever it tells us in a sync message
	 * is persisted: its state vector (sync step 1) or its delete set (sync step 2, relayed update).
	 * Returns the message's step (null when unreadable).
	 */
	private learnFromServerSync(decoder: decoding.Decoder): number | null {
		try {
			const peek = decoding.createDecoder(decoder.arr.subarray(decoder.pos));
			const step = decoding.readVarUint(peek);
			const payload = decoding.readVarUint8Array(peek);
			if (step === syncProtocol.messageYjsSyncStep1) {
				this.tracker.acknowledgeClocks(Y.decodeStateVector(payload));
				return step;
			}
			if (step === syncProtocol.messageYjsSyncStep2) this.answeredStateRequest();
			if (this.tracker.hasPendingDeletes) this.tracker.acknowledgeDeletes(Y.decodeUpdate(payload).ds);
			return step;
		} catch {
			// Unreadable: y-websocket's own handler reports it; nothing learned.
			return null;
		}
	}

	/**
	 * The first whole document from the server. y-websocket's update handler ignores the server's
	 * own content, but while it listens Yjs encodes every transaction again for it: for a
	 * full-length MOU that re-encoding was most of the time the browser took to apply it. Nothing
	 * writes to the document before the editor exists; should anything have written meanwhile,
	 * this client's part goes back to the server as the sync step 2 the protocol would have sent.
	 */
	private applyFirstState(apply: () => void, reply: encoding.Encoder): void {
		const ownClock = Y.getState(this.doc.store, this.doc.clientID);
		let wroteLocally = false;
		const watch = (tr: Y.Transaction) => (wroteLocally ||= tr.local);
		const sendUpdate = (this.provider as unknown as { _updateHandler: (update: Uint8Array, origin: unknown) => void })._updateHandler;
		this.doc.off('update', sendUpdate);
		this.doc.on('afterTransaction', watch);
		try {
			apply();
		} finally {
			this.doc.off('afterTransaction', watch);
			this.doc.on('update', sendUpdate);
		}
		if (!wroteLocally) return;
		const serverHas = Y.decodeStateVector(Y.encodeStateVector(this.doc));
		serverHas.set(this.doc.clientID, ownClock);
		syncProtocol.writeSyncStep2(reply, this.doc, Y.encodeStateVector(serverHas));
	}

	/**
	 * Deletions do not show in persisted clocks: ask the server for its state (a sync step 1)
	 * and look for them in the delete set of its answer. At most one request is in flight.
	 */
	private requestServerState(): void {
		if (this.stateRequest !== 'idle') {
			this.stateRequest = 'waiting-again';
			return;
		}
		const ws = this.provider.ws;
		if (!ws || !this.provider.wsconnected || ws.readyState !== WebSocket.OPEN) return;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		syncProtocol.writeSyncStep1(encoder, this.doc);
		ws.send(encoding.toUint8Array(encoder));
		this.stateRequest = 'waiting';
	}

	private answeredStateRequest(): void {
		const again = this.stateRequest === 'waiting-again';
		this.stateRequest = 'idle';
		// The answer is read after this returns; ask again on the next ack if still needed.
		if (again) queueMicrotask(() => this.tracker.hasPendingDeletes && this.requestServerState());
	}
}

/** y-websocket appends "/<room>" to this: the room is the MOU id, giving /collab/<mouId>. */
function collabServerUrl(): string {
	const protocol = location.protocol === 'https:' ? 'wss' : 'ws';
	return `${protocol}://${location.host}/collab`;
}
