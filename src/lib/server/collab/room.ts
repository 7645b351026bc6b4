import * as Y from 'yjs';
import { Awareness, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import { CloseCode, type NoticeTopic } from '../../collab/protocol';
import { DOCUMENT_ROOTS, TERMS_FIELD, TERM_PROPOSALS_FIELD } from '../../editor/schema';
import type { Sql } from '../db';
import { createUpdateGuard } from './guard';
import { Connection, errorMessage } from './connection';
import {
	addsNothing,
	clientsOfUpdate,
	encodeAwareness,
	encodeNotice,
	encodePersisted,
	encodeSyncStep1,
	encodeSyncStep2,
	encodeUpdate,
	isEmptyUpdate,
	type ClientMessage
} from './messages';
import { compactDocument, hasApprovals, loadMouStatus, loadStoredDocument, touchActivity, type StoredUpdate } from './persistence';
import { ClientOwners } from './tracked/client-owners';
import { ShadowDocument } from './tracked/shadow';
import type { Writer } from './tracked/rules';
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

/** An update that passed the guard and waits to be stored; `connection` null for the server's own. */
interface PendingUpdate {
	connection: Connection | null;
	update: Uint8Array;
	userId: string;
	clients: number[];
	/** For server changes: settled once the change is stored and applied (or failed). */
	settle?: { resolve(): void; reject(error: unknown): void };
}

/**
 * How the document may change: `direct` while one party drafts, `tracked` while both negotiate
 * (every change a suggestion, judged on a shadow copy), `frozen` once agreed or closed.
 */
export type DocumentMode = 'direct' | 'tracked' | 'frozen';

/** Origin of changes the server makes itself (decisions on suggestions). */
export const SERVER_CHANGE = Symbol('server-change');

/** Raised to callers of applyServerChange when the MOU no longer accepts changes. */
export class DocumentFrozen extends Error {
	constructor() {
		super('This MOU is agreed or closed; its text can no longer change.');
	}
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
	private mode: DocumentMode = 'direct';
	/** While tracked: the document plus what is staged, where each update is judged first. */
	private shadow: ShadowDocument | null = null;
	private readonly owners: ClientOwners;
	private ownersRefresh: Promise<void> | null = null;
	/** A party approved the draft as it stands: the next stored edit withdraws it, and pages must hear. */
	private approved = false;

	constructor(
		readonly mouId: string,
		private readonly ctx: RoomContext
	) {
		this.awareness.setLocalState(null);
		this.owners = new ClientOwners(ctx.sql, mouId);
		this.peers = ctx.relay ? new RoomPeers(ctx, ctx.relay, this.peerHost()) : null;
		// Cheap (no encoding): changes that did not come through `check` leave the shadow behind.
		this.doc.on('afterTransaction', (tr: Y.Transaction) => {
			if (this.status !== 'ready' || tr.origin instanceof Connection) return;
			this.shadow?.markBehind();
			if (tr.origin !== SERVER_CHANGE) this.refreshOwners(); // other instances bound new clients
		});
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
		settleAll(this.queue, new Error('The document was closed'));
		this.queue = [];
		this.staged = null;
		this.shadow?.discard();
		this.awareness.destroy();
		this.doc.destroy();
	}

	private async load(): Promise<void> {
		let watermark: string;
		try {
			await this.peers?.join(); // first: what is stored after the read below arrives relayed
			const [stored, status, approved] = await Promise.all([
				loadStoredDocument(this.ctx.sql, this.mouId),
				loadMouStatus(this.ctx.sql, this.mouId),
				hasApprovals(this.ctx.sql, this.mouId),
				this.owners.load()
			]);
			this.approved = approved;
			if (this.status !== 'loading') return;
			this.setMode(modeOf(status));
			this.applyStored(stored.updates);
			this.tailCount = stored.tailCount;
			this.guard = createUpdateGuard(this.doc, { allowedRoots: [...DOCUMENT_ROOTS], textMapRoots: [TERMS_FIELD, TERM_PROPOSALS_FIELD] });
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
			notice: (topic) => this.notice(topic, false),
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
		let writing: number[];
		let verdict: ReturnType<UpdateGuard['check']>;
		try {
			// A (re)connecting client's answer to our sync step 1 often holds nothing new: tell it
			// that everything the document has is stored, so its editor can show "saved".
			if (isSyncReply && this.staged === null && (isEmptyUpdate(update) || addsNothing(this.doc, update))) {
				connection.send(encodePersisted(stateClocks(this.doc)));
				return;
			}
			if (isEmptyUpdate(update)) return;
			if (this.mode === 'frozen') {
				this.ctx.counters.updatesRefused++;
				connection.close(CloseCode.statusChanged, 'This MOU can no longer change');
				return;
			}
			({ touched: clients, writing } = clientsOfUpdate(this.doc, update)); // also proves the update decodes
			// Checked together with what is still being stored: it may build on that.
			candidate = this.staged ? Y.mergeUpdates([this.staged, update]) : update;
			verdict = this.guard!.check(candidate);
		} catch (error) {
			connection.close(CloseCode.malformed, `Unreadable update: ${errorMessage(error)}`);
			return;
		}
		const identity = connection.identity!;
		const refusal = verdict.ok ? this.clientRefusal(identity.userId, writing) : verdict.reason;
		if (refusal !== null) return this.refuse(connection, refusal);
		if (this.stagedBytes + update.length > MAX_STAGED_BYTES) {
			connection.close(CloseCode.rateLimited, 'Too many unsaved changes; reconnect shortly');
			return;
		}
		if (this.shadow) {
			const violation = this.shadow.check(update, this.writerOf(identity.userId, identity.side, writing));
			if (violation !== null) return this.refuse(connection, violation);
		}
		for (const client of writing) this.owners.bind({ client, userId: identity.userId, party: identity.side });
		this.ctx.counters.updatesAccepted++;
		this.ctx.acceptedRate.add();
		this.staged = candidate;
		this.stagedBytes += update.length;
		this.enqueue({ connection, update, userId: identity.userId, clients });
	}

	private enqueue(pending: PendingUpdate): void {
		this.queue.push(pending);
		this.writer ??= this.writeLoop().finally(() => (this.writer = null));
	}

	private refuse(connection: Connection, reason: string): void {
		this.ctx.counters.updatesRefused++;
		connection.logEvent('collab.update_refused', { reason });
		connection.close(CloseCode.updateRefused, reason);
	}

	/** A client id bound to someone else (or to the server, or never seen writing here) is not theirs. */
	private clientRefusal(userId: string, clients: number[]): string | null {
		for (const client of clients) {
			const owner = this.owners.ownerOf(client);
			if (owner === userId) continue;
			if (owner !== undefined) return `writes with client id ${client}, which belongs to someone else`;
			if (Y.getState(this.doc.store, client) > 0) return `writes with client id ${client}, which is not yours`;
		}
		return null;
	}

	private writerOf(userId: string, side: Writer['side'], clients: number[]): Writer {
		return { userId, side, ownsClient: (client) => this.owners.ownerOf(client) === userId || clients.includes(client) };
	}

	private async writeLoop(): Promise<void> {
		while (this.queue.length > 0 && this.status === 'ready') {
			const batch = this.takeBatch();
			let seqs: string[];
			try {
				await this.owners.save(); // before the updates written with them
				seqs = await this.ctx.store(this.mouId, batch);
			} catch (error) {
				settleAll(batch, error);
				if (isFrozenError(error)) this.freeze();
				else this.fail('write', error);
				return;
			}
			if (this.status !== 'ready') return settleAll(batch, new Error('The document was closed'));
			this.restage();
			if (!this.applyBatch(batch)) return settleAll(batch, new Error('The change could not be applied'));
			this.relay(batch, seqs);
			this.acknowledge(batch);
			settleAll(batch, null);
			if (this.approved) {
				// The database withdrew the approvals with this write (trigger on mou_updates).
				this.approved = false;
				void this.notice('history');
			}
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
				Y.applyUpdate(this.doc, pending.update, pending.connection ?? SERVER_CHANGE);
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
			if (connection === null) continue;
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

	/**
	 * Makes a change as the server (a decision on a suggestion), on behalf of `actorId`: computed on
	 * a copy of the document with a client id of its own, then checked, stored, applied and
	 * broadcast like any update. Resolves with what `change` returned once the change is stored.
	 */
	async applyServerChange<T>(actorId: string, change: (doc: Y.Doc) => T): Promise<T> {
		await this.loaded;
		if (this.status !== 'ready') throw new Error('The document is not available right now; try again.');
		if (this.mode === 'frozen') throw new DocumentFrozen();
		const work = new Y.Doc({ gc: false });
		Y.applyUpdate(work, Y.encodeStateAsUpdate(this.doc));
		if (this.staged) Y.applyUpdate(work, this.staged);
		work.clientID = this.unusedClientId(work);
		const updates: Uint8Array[] = [];
		work.on('update', (update: Uint8Array) => updates.push(update));
		let result: T;
		try {
			result = change(work);
		} finally {
			work.destroy();
		}
		if (updates.length === 0) return result;
		const update = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
		const candidate = this.staged ? Y.mergeUpdates([this.staged, update]) : update;
		const verdict = this.guard!.check(candidate);
		if (!verdict.ok) throw new Error(`The change was refused: ${verdict.reason}`);
		this.owners.bind({ client: work.clientID, userId: null, party: null });
		this.staged = candidate;
		this.stagedBytes += update.length;
		await new Promise<void>((resolve, reject) =>
			this.enqueue({ connection: null, update, userId: actorId, clients: [work.clientID], settle: { resolve, reject } })
		);
		return result;
	}

	/** Tells every connection (and, unless it came from there, the other instances) that `topic` changed. */
	notice(topic: NoticeTopic, relay = true): Promise<void> {
		const message = encodeNotice(topic);
		for (const connection of this.connections) connection.send(message);
		if (relay) this.peers?.notice(topic);
		if (topic === 'history') this.ctx.track(this.refreshApprovals());
		if (topic !== 'status') return Promise.resolve();
		const refreshed = this.refreshStatus();
		this.ctx.track(refreshed);
		return refreshed;
	}

	private async refreshStatus(): Promise<void> {
		await this.loaded;
		if (this.status !== 'ready') return;
		try {
			this.setMode(modeOf(await loadMouStatus(this.ctx.sql, this.mouId)));
		} catch (error) {
			this.ctx.log({ event: 'collab.error', stage: 'status', mouId: this.mouId, error: errorMessage(error) });
		}
	}

	private async refreshApprovals(): Promise<void> {
		await this.loaded;
		if (this.status !== 'ready') return;
		try {
			this.approved = await hasApprovals(this.ctx.sql, this.mouId);
		} catch (error) {
			this.ctx.log({ event: 'collab.error', stage: 'approvals', mouId: this.mouId, error: errorMessage(error) });
		}
	}

	private setMode(mode: DocumentMode): void {
		if (mode === this.mode) return;
		this.mode = mode;
		if (mode === 'tracked') this.shadow = new ShadowDocument(this.doc, () => this.staged);
		else {
			this.shadow?.discard();
			this.shadow = null;
		}
		if (mode === 'frozen') this.closeWriters();
	}

	/** The database refused a write because the MOU was agreed meanwhile: nothing unstored survives. */
	private freeze(): void {
		settleAll(this.queue, new DocumentFrozen());
		this.queue = [];
		this.staged = null;
		this.stagedBytes = 0;
		this.setMode('frozen');
		this.closeWriters();
	}

	/** Writers reconnect and are admitted read-only; readers stay. */
	private closeWriters(): void {
		for (const connection of [...this.connections]) {
			if (connection.canWrite) connection.close(CloseCode.statusChanged, 'This MOU can no longer change');
		}
	}

	private refreshOwners(): void {
		if (this.ownersRefresh) return;
		this.ownersRefresh = this.owners
			.load()
			.catch((error) => this.ctx.log({ event: 'collab.error', stage: 'owners', mouId: this.mouId, error: errorMessage(error) }))
			.finally(() => (this.ownersRefresh = null));
		this.ctx.track(this.ownersRefresh);
	}

	private unusedClientId(work: Y.Doc): number {
		let client = work.clientID;
		while (work.store.clients.has(client) || this.owners.ownerOf(client) !== undefined) {
			client = Math.floor(Math.random() * 0xffffffff);
		}
		return client;
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
		settleAll(this.queue, error);
		this.queue = [];
		this.staged = null;
		this.shadow?.discard();
		this.peers?.stop();
		this.closeAll(CloseCode.internalError, 'The document could not be saved; reconnecting');
		this.ctx.onFailed(this);
	}
}

function modeOf(status: string | null): DocumentMode {
	if (status === 'draft') return 'direct';
	if (status === 'negotiating') return 'tracked';
	return 'frozen';
}

/** The database trigger on mou_updates refuses changes to an MOU that is agreed or closed. */
function isFrozenError(error: unknown): boolean {
	return error instanceof Error && /can no longer change/.test(error.message);
}

function settleAll(pending: PendingUpdate[], error: unknown): void {
	for (const { settle } of pending) {
		if (!settle) continue;
		if (error === null) settle.resolve();
		else settle.reject(error);
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
