import * as Y from 'yjs';
import { Awareness, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import { CloseCode } from '../../collab/protocol';
import { DOCUMENT_ROOTS } from '../../editor/schema';
import type { Sql } from '../db';
import { createUpdateGuard } from './guard';
import { Connection, errorMessage } from './connection';
import {
	addsNothing,
	clientsOfUpdate,
	encodeAwareness,
	encodePersisted,
	encodeSyncStep1,
	encodeSyncStep2,
	encodeUpdate,
	isEmptyUpdate,
	type ClientMessage
} from './messages';
import { compactDocument, loadStoredDocument, touchActivity, type StoredUpdate } from './persistence';
import { applyPresence, decodePresence, stampIdentity } from './presence';
import type { RateMeter } from './limits';
import type { CollabRelay, RelayMessage } from './relay';
import { RoomPeers, type PeerHost } from './room-peers';
import type { CollabLimits, CollabLog } from './types';

type UpdateGuard = ReturnType<typeof createUpdateGuard>;

export interface RoomContext {
	sql: Sql;
	/** Stores a batch durably (shared by the rooms of the instance); resolves with the rows' seqs. */
	store(mouId: string, updates: StoredUpdate[]): Promise<string[]>;
	limits: CollabLimits;
	log: CollabLog;
	counters: { updatesAccepted: number; updatesRefused: number; remoteUpdates: number };
	acceptedRate: RateMeter;
	/** Other instances; null when this is the only one. */
	relay: CollabRelay | null;
	/**
	 * Runs compactions of the instance's rooms one after another: rooms that filled up together
	 * (they all started typing at once) would otherwise merge and rewrite their documents in one
	 * burst that stalls every room's edits.
	 */
	oneCompactionAtATime<T>(job: () => Promise<T>): Promise<T>;
	/** Keeps a background task (compaction, activity stamp) for shutdown to wait on. */
	track(task: Promise<unknown>): void;
	/** The room has no connections left. */
	onEmpty(room: Room): void;
	/** The room can no longer be trusted (load or write failed); drop it. */
	onFailed(room: Room): void;
}

/** An update that passed the guard and waits to be stored. */
interface PendingUpdate {
	connection: Connection;
	update: Uint8Array;
	userId: string;
	clients: number[];
}

/** Rows and bytes per INSERT: large enough to absorb a burst, small enough to stay one statement. */
const MAX_BATCH_ROWS = 500;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
/** Accepted-but-unstored bytes beyond which writers are told to slow down. */
const MAX_STAGED_BYTES = 32 * 1024 * 1024;
/** mous.last_activity_at is a "recently edited" hint, not an audit trail. */
const ACTIVITY_INTERVAL_MS = 5_000;

/** Origin of the presence removal when a connection leaves. */
class Departure {
	constructor(readonly userId: string) {}
}

/**
 * One MOU's live document and its connections. The document holds only what PostgreSQL holds:
 * an update is checked, stored, and only then applied, broadcast, relayed and acknowledged.
 * Updates are written by one loop per room, in arrival order, batching whatever queued during
 * a write. With a relay, updates other instances stored arrive already stored: they are applied
 * (so later local updates that build on them pass the guard) but not stored again.
 */
export class Room {
	readonly doc = new Y.Doc({ gc: false }); // never gc: deleted text is the negotiation history
	readonly awareness = new Awareness(this.doc);
	readonly loaded: Promise<void>;
	private readonly connections = new Set<Connection>();
	private status: 'loading' | 'ready' | 'failed' | 'unloaded' = 'loading';
	private guard: UpdateGuard | null = null;
	private queue: PendingUpdate[] = [];
	/** Everything accepted but not yet in `doc`, merged: later updates may build on it. */
	private staged: Uint8Array | null = null;
	private stagedBytes = 0;
	private writer: Promise<void> | null = null;
	private tailCount = 0;
	private compacting = false;
	private lastActivityStamp = 0;
	/** The other instances with this MOU open; null when this is the only instance. */
	private readonly peers: RoomPeers | null;

	constructor(
		readonly mouId: string,
		private readonly ctx: RoomContext
	) {
		this.awareness.setLocalState(null);
		this.peers = ctx.relay ? new RoomPeers(ctx, ctx.relay, this.peerHost()) : null;
		// No doc 'update' listener: Yjs would re-encode every applied update for it. Each path that
		// applies an update broadcasts the bytes it applied (the guard ensures they integrate fully).
		this.awareness.on('update', (changes: AwarenessChanges, origin: unknown) => this.broadcastAwareness(changes, origin));
		this.loaded = this.load();
	}

	get isEmpty(): boolean {
		return this.connections.size === 0;
	}

	get connectionCount(): number {
		return this.connections.size;
	}

	/** A message another instance published about this document. */
	receiveRelayed(message: RelayMessage): void {
		this.peers?.receive(message);
	}

	/** The relay is back after an outage. */
	resume(): void {
		this.peers?.resume();
	}

	add(connection: Connection): void {
		if (!connection.isOpen) return;
		this.connections.add(connection);
		connection.onEnd(() => this.remove(connection));
		if (this.status === 'ready') this.start(connection);
	}

	/** Resolves once nothing is being loaded or written. */
	async settled(): Promise<void> {
		await this.loaded;
		while (this.writer) await this.writer;
	}

	closeAll(code: number, reason: string): void {
		for (const connection of [...this.connections]) connection.close(code, reason);
	}

	unload(): void {
		if (this.status === 'unloaded') return;
		this.status = 'unloaded';
		this.closeAll(CloseCode.goingAway, 'Document unloaded');
		this.peers?.stop();
		this.queue = [];
		this.staged = null;
		this.awareness.destroy();
		this.doc.destroy();
	}

	private async load(): Promise<void> {
		let watermark: string;
		try {
			await this.peers?.join(); // first: what is stored after the read below arrives relayed
			const stored = await loadStoredDocument(this.ctx.sql, this.mouId);
			if (this.status !== 'loading') return;
			this.applyStored(stored.updates);
			this.tailCount = stored.tailCount;
			this.guard = createUpdateGuard(this.doc, { allowedRoots: [...DOCUMENT_ROOTS] });
			watermark = stored.watermark;
		} catch (error) {
			this.fail('load', error);
			return;
		}
		if (this.status !== 'loading') return;
		this.status = 'ready';
		this.peers?.ready(watermark);
		for (const connection of [...this.connections]) this.start(connection);
		this.maybeCompact();
	}

	private peerHost(): PeerHost {
		return {
			mouId: this.mouId,
			doc: this.doc,
			awareness: this.awareness,
			broadcast: (update) => this.broadcastUpdate(update, null),
			state: () => (this.status === 'loading' || this.status === 'ready' ? this.status : 'gone'),
			localPresence: () =>
				[...this.connections]
					.filter((connection) => connection.identity !== null)
					.map((connection) => ({ userId: connection.identity!.userId, clients: [...connection.awarenessClients] }))
		};
	}

	/** Applies the stored log; a row Yjs cannot read is skipped (and logged) rather than losing the document. */
	private applyStored(updates: Uint8Array[]): void {
		if (updates.length === 0) return;
		try {
			Y.applyUpdate(this.doc, Y.mergeUpdates(updates));
			return;
		} catch (error) {
			this.ctx.log({ event: 'collab.error', stage: 'load-merge', mouId: this.mouId, error: errorMessage(error) });
		}
		for (const [index, update] of updates.entries()) {
			try {
				Y.applyUpdate(this.doc, update);
			} catch (error) {
				this.ctx.log({ event: 'collab.error', stage: 'load-row', mouId: this.mouId, row: index, error: errorMessage(error) });
			}
		}
	}

	private start(connection: Connection): void {
		if (!connection.isOpen) return;
		// Read-only connections are not asked for their state: it would be dropped anyway.
		if (connection.canWrite) connection.send(encodeSyncStep1(this.doc));
		const present = [...this.awareness.getStates().keys()];
		if (present.length > 0) connection.send(encodeAwareness(encodeAwarenessUpdate(this.awareness, present)));
		connection.attach((message) => this.handle(connection, message));
	}

	private remove(connection: Connection): void {
		if (!this.connections.delete(connection)) return;
		const departure = new Departure(connection.identity?.userId ?? '');
		removeAwarenessStates(this.awareness, [...connection.awarenessClients], departure);
		if (this.connections.size === 0) this.ctx.onEmpty(this);
	}

	private handle(connection: Connection, message: ClientMessage): void {
		switch (message.kind) {
			case 'syncStep1':
				connection.send(encodeSyncStep2(this.doc, message.stateVector));
				return;
			case 'syncStep2':
			case 'update':
				this.receiveUpdate(connection, message.update, message.kind === 'syncStep2');
				return;
			case 'awareness':
				this.receivePresence(connection, message.update);
				return;
			case 'queryAwareness': {
				const present = [...this.awareness.getStates().keys()];
				connection.send(encodeAwareness(encodeAwarenessUpdate(this.awareness, present)));
				return;
			}
		}
	}

	private receiveUpdate(connection: Connection, update: Uint8Array, isSyncReply: boolean): void {
		if (!connection.canWrite) {
			if (!isEmptyUpdate(update)) this.ctx.counters.updatesRefused++;
			return;
		}
		let candidate: Uint8Array;
		let clients: number[];
		let verdict: ReturnType<UpdateGuard['check']>;
		try {
			// A (re)connecting client's answer to our sync step 1 often holds nothing new: tell it
			// that everything the document has is stored, so its editor can show "saved".
			if (isSyncReply && this.staged === null && (isEmptyUpdate(update) || addsNothing(this.doc, update))) {
				connection.send(encodePersisted(stateClocks(this.doc)));
				return;
			}
			if (isEmptyUpdate(update)) return;
			clients = clientsOfUpdate(update); // also proves the update decodes
			// Checked together with what is still being stored: it may build on that.
			candidate = this.staged ? Y.mergeUpdates([this.staged, update]) : update;
			verdict = this.guard!.check(candidate);
		} catch (error) {
			connection.close(CloseCode.malformed, `Unreadable update: ${errorMessage(error)}`);
			return;
		}
		if (!verdict.ok) {
			this.ctx.counters.updatesRefused++;
			connection.logEvent('collab.update_refused', { reason: verdict.reason });
			connection.close(CloseCode.updateRefused, verdict.reason);
			return;
		}
		if (this.stagedBytes + update.length > MAX_STAGED_BYTES) {
			connection.close(CloseCode.rateLimited, 'Too many unsaved changes; reconnect shortly');
			return;
		}
		this.ctx.counters.updatesAccepted++;
		this.ctx.acceptedRate.add();
		this.staged = candidate;
		this.stagedBytes += update.length;
		this.queue.push({ connection, update, userId: connection.identity!.userId, clients });
		this.writer ??= this.writeLoop().finally(() => (this.writer = null));
	}

	private async writeLoop(): Promise<void> {
		while (this.queue.length > 0 && this.status === 'ready') {
			const batch = this.takeBatch();
			let seqs: string[];
			try {
				seqs = await this.ctx.store(this.mouId, batch);
			} catch (error) {
				this.fail('write', error);
				return;
			}
			if (this.status !== 'ready') return;
			this.restage();
			if (!this.applyBatch(batch)) return;
			this.relay(batch, seqs);
			this.acknowledge(batch);
			this.tailCount += batch.length;
			this.maybeCompact();
			this.maybeStampActivity();
		}
	}

	private takeBatch(): PendingUpdate[] {
		let rows = 0;
		let bytes = 0;
		while (rows < this.queue.length && rows < MAX_BATCH_ROWS) {
			bytes += this.queue[rows].update.length;
			rows++;
			if (bytes >= MAX_BATCH_BYTES) break;
		}
		return this.queue.splice(0, rows);
	}

	/** After a batch is stored, only what is still queued is staged. */
	private restage(): void {
		this.stagedBytes = this.queue.reduce((sum, pending) => sum + pending.update.length, 0);
		this.staged = this.queue.length > 0 ? Y.mergeUpdates(this.queue.map((pending) => pending.update)) : null;
	}

	private applyBatch(batch: PendingUpdate[]): boolean {
		for (const pending of batch) {
			try {
				Y.applyUpdate(this.doc, pending.update, pending.connection);
			} catch (error) {
				this.fail('apply', error);
				return false;
			}
			this.broadcastUpdate(pending.update, pending.connection);
		}
		return true;
	}

	/** Stored and applied here: now the other instances may have it too (one message per batch). */
	private relay(batch: PendingUpdate[], seqs: string[]): void {
		if (!this.peers) return;
		const update = batch.length === 1 ? batch[0].update : Y.mergeUpdates(batch.map((pending) => pending.update));
		this.peers.stored(update, seqs);
	}

	/** Tells each sender up to which clock the clients it touched are now stored. */
	private acknowledge(batch: PendingUpdate[]): void {
		const clientsBySender = new Map<Connection, Set<number>>();
		for (const { connection, clients } of batch) {
			const set = clientsBySender.get(connection) ?? new Set<number>();
			for (const client of clients) set.add(client);
			clientsBySender.set(connection, set);
		}
		for (const [connection, clients] of clientsBySender) {
			const clocks = new Map<number, number>();
			for (const client of clients) clocks.set(client, Y.getState(this.doc.store, client));
			connection.send(encodePersisted(clocks));
		}
	}

	/** To every connection but the one it came from. */
	private broadcastUpdate(update: Uint8Array, origin: Connection | null): void {
		const message = encodeUpdate(update);
		for (const connection of this.connections) {
			if (connection !== origin) connection.send(message);
		}
	}

	private receivePresence(connection: Connection, update: Uint8Array): void {
		let entries;
		try {
			entries = decodePresence(update);
		} catch (error) {
			connection.close(CloseCode.malformed, `Malformed awareness update: ${errorMessage(error)}`);
			return;
		}
		const own = entries
			.filter((entry) => !this.ownedByAnother(connection, entry.clientId))
			.map((entry) => stampIdentity(entry, connection.identity!));
		if (own.length > 0) applyPresence(this.awareness, own, connection);
	}

	/** A client id in use by another connection, here or (for another person) on another instance. */
	private ownedByAnother(connection: Connection, clientId: number): boolean {
		for (const other of this.connections) {
			if (other !== connection && other.awarenessClients.has(clientId)) return true;
		}
		const remoteOwner = this.peers?.remoteOwner(clientId);
		// The same person may take their id over: that is a tab reconnecting through this instance.
		return remoteOwner !== undefined && remoteOwner !== connection.identity?.userId;
	}

	private broadcastAwareness({ added, updated, removed }: AwarenessChanges, origin: unknown): void {
		if (origin instanceof Connection) {
			for (const client of added) origin.awarenessClients.add(client);
			for (const client of removed) origin.awarenessClients.delete(client);
		}
		this.peers?.forget(removed);
		const changed = [...added, ...updated, ...removed];
		const update = encodeAwarenessUpdate(this.awareness, changed);
		const message = encodeAwareness(update);
		for (const connection of this.connections) {
			if (connection !== origin) connection.send(message);
		}
		this.relayPresence(update, origin);
	}

	/** Presence changed by a local connection (or its departure) goes to the other instances. */
	private relayPresence(update: Uint8Array, origin: unknown): void {
		if (!this.peers) return;
		let userId: string | undefined;
		if (origin instanceof Connection) userId = origin.identity?.userId;
		else if (origin instanceof Departure) userId = origin.userId;
		if (userId !== undefined) this.peers.presenceChanged(update, userId);
	}

	private maybeCompact(): void {
		if (this.compacting || this.tailCount < this.ctx.limits.compactAfterUpdates) return;
		this.compacting = true;
		const task = this.ctx
			.oneCompactionAtATime(() => compactDocument(this.ctx.sql, this.mouId))
			.then((merged) => {
				this.tailCount = Math.max(0, this.tailCount - merged);
				this.ctx.log({ event: 'collab.compacted', mouId: this.mouId, merged });
			})
			.catch((error) => this.ctx.log({ event: 'collab.error', stage: 'compact', mouId: this.mouId, error: errorMessage(error) }))
			.finally(() => (this.compacting = false));
		this.ctx.track(task);
	}

	private maybeStampActivity(): void {
		const now = Date.now();
		if (now - this.lastActivityStamp < ACTIVITY_INTERVAL_MS) return;
		this.lastActivityStamp = now;
		const task = touchActivity(this.ctx.sql, this.mouId).catch((error) =>
			this.ctx.log({ event: 'collab.error', stage: 'activity', mouId: this.mouId, error: errorMessage(error) })
		);
		this.ctx.track(task);
	}

	/** Nothing unstored may reach anyone: drop the room, clients reconnect and resend. */
	private fail(stage: string, error: unknown): void {
		if (this.status === 'failed' || this.status === 'unloaded') return;
		this.status = 'failed';
		this.ctx.log({ event: 'collab.error', stage, mouId: this.mouId, error: errorMessage(error) });
		this.queue = [];
		this.staged = null;
		this.peers?.stop();
		this.closeAll(CloseCode.internalError, 'The document could not be saved; reconnecting');
		this.ctx.onFailed(this);
	}
}

/** Every client's clock in `doc`, i.e. how far each client's content is stored. */
function stateClocks(doc: Y.Doc): Map<number, number> {
	return Y.decodeStateVector(Y.encodeStateVector(doc));
}

interface AwarenessChanges {
	added: number[];
	updated: number[];
	removed: number[];
}
