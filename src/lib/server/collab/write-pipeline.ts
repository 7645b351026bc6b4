import * as Y from 'yjs';
import type { Tx } from '../db';
import { hasSqlState, SqlState } from '../db/errors';
import type { Candidate } from './admission';
import type { Connection } from './connection';
import type { DecodedStruct, StagedRuns } from './guard';
import { encodePersisted } from './messages';
import { CloseCode } from '../../collab/protocol';
import { changesElements, standsAlone, type DecodedUpdate } from './update-intake';
import type { RoomContext } from './room-context';
import type { RoomPeers } from './room-peers';
import type { ClientOwners } from './tracked/client-owners';
import { DecisionCount, type DecisionTally, type DecisionUnderLock, type DecisionsSeen } from './decision-count';
import type { RelayedDecision } from './relay';

/** An admitted update waiting to be stored; `connection` null for the server's own. */
export interface PendingUpdate {
	connection: Connection | null;
	update: Uint8Array;
	/** Its decoding, when the intake has it (lets later updates be judged with it unmerged). */
	decoded?: DecodedUpdate;
	userId: string;
	clients: number[];
	/** For server changes: settled once the change is stored and applied (or failed). */
	settle?: { resolve(): void; reject(error: unknown): void };
	/**
	 * Written in the same transaction as the update (a decision's record): the two are one unit.
	 * Such an update is stored in a batch of its own; if the transaction fails, only it is dropped.
	 */
	alsoWrite?: (tx: Tx) => Promise<void>;
	/** Sent to its sender too: it holds the server's own structs beside theirs (late typing's marks). */
	echo?: boolean;
	/** A decision (with `alsoWrite`): run first in its transaction, under the MOU's row lock. */
	decision?: DecisionUnderLock;
	/** A decision's ids: relayed with its update and count (the other instances close them). */
	decides?: string[];
	/** Set by `enqueue`: the room's decisions this update was admitted with (a decision: what it settles). */
	seen?: DecisionsSeen;
	tally?: DecisionTally;
}

/** What the pipeline needs of its room. */
export interface PipelineHost {
	readonly mouId: string;
	readonly doc: Y.Doc;
	readonly owners: ClientOwners;
	readonly peers: RoomPeers | null;
	isReady(): boolean;
	/** Sends an applied update to every connection but `origin`. */
	broadcast(update: Uint8Array, origin: Connection | null): void;
	/** The origin Yjs is told for an update of the server's own. */
	readonly serverOrigin: symbol;
	/** A batch of `rows` updates was stored, applied, broadcast and acknowledged. */
	stored(rows: number): void;
	/** The database refused the batch: the MOU was agreed or closed meanwhile. */
	frozen(): void;
	/** Nothing unstored may reach anyone: the room must go. */
	failed(stage: string, error: unknown): void;
	/** A staged update was dropped without being stored: copies that include it are stale. */
	unstaged(): void;
	/** The database refused a write for a decision this room has not taken in (MOU02): take it in. */
	decidedElsewhere(): void;
}

/** Rows and bytes per INSERT: large enough to absorb a burst, small enough to stay one statement. */
const MAX_BATCH_ROWS = 500;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

/** Raised to whoever waits on an update the database refused because the MOU is agreed or closed. */
export class DocumentFrozen extends Error {
	constructor() {
		super('This MOU is agreed or closed; its text can no longer change.');
	}
}

/**
 * "Stored before anyone sees it": admitted updates are written by one loop per room, in arrival
 * order, batching whatever queued during a write; only a stored batch is applied to the room's
 * document, broadcast, relayed and acknowledged. What is admitted but not yet stored is `staged`
 * (merged), so that later updates that build on it can be checked against it.
 */
export class WritePipeline {
	private queue: PendingUpdate[] = [];
	/** The batch being stored: still staged until it is in the document. */
	private inFlight: PendingUpdate[] = [];
	/** In-flight and queued updates merged, when known (merged only when someone needs it). */
	private stagedCache: Uint8Array | null = null;
	/** In-flight and queued structs per client, when known; null when they cannot be laid out so. */
	private stagedRunsCache: Map<number, DecodedStruct[]> | null | undefined;
	private stagedSize = 0;
	private writer: Promise<void> | null = null;
	/** How many of the MOU's decisions the room has taken in (every row stored says so). */
	readonly decisions = new DecisionCount();

	constructor(
		private readonly ctx: RoomContext,
		private readonly host: PipelineHost
	) {}

	/** Everything admitted but not yet in the document, merged (null when nothing is). */
	get staged(): Uint8Array | null {
		if (this.inFlight.length + this.queue.length === 0) return null;
		this.stagedCache ??= mergeAll([...this.inFlight, ...this.queue]);
		return this.stagedCache;
	}

	/** Whether anything is admitted and not yet applied and broadcast. */
	get underway(): boolean {
		return this.inFlight.length + this.queue.length > 0;
	}

	/** Whether one of the server's own changes is staged (the tracked copy takes those in only once stored). */
	get stagesServerChange(): boolean {
		return this.inFlight.some((pending) => pending.connection === null) || this.queue.some((pending) => pending.connection === null);
	}

	get stagedBytes(): number {
		return this.stagedSize;
	}

	/**
	 * What an update is checked as: everything still being stored, then the update — unless the
	 * update stands on the document alone (it refers to nothing that is only staged), as nearly
	 * every keystroke does, and adds or deletes no element or text (what a node is left holding
	 * depends on the staged children too: deleting a list item's stored paragraph right after
	 * adding it a second one would be judged to empty it). Then it is checked by itself, which keeps the cost of an update from
	 * growing with the queue when commits are slow. A keystroke that continues the writer's
	 * previous one while that is still being stored is judged after the staged structs as they
	 * were decoded (nothing merged, the staged ones not judged again); only what cannot be laid
	 * out so (an update that repeats staged content, the server's own changes) is merged.
	 */
	candidateFor(update: Uint8Array, decoded?: DecodedUpdate): Candidate {
		if (!this.underway) return { bytes: update, staged: null };
		if (decoded && standsAlone(this.host.doc, decoded) && !changesElements(this.host.doc, decoded)) return { bytes: update, staged: null };
		const staged = decoded ? this.stagedRuns() : null;
		if (staged && continuesRuns(staged, decoded!)) return { bytes: update, staged };
		return { bytes: Y.mergeUpdates([this.staged!, update]), staged: null };
	}

	/** Queues an admitted update; `candidate` is what `candidateFor` gave for it. */
	enqueue(pending: PendingUpdate, candidate: Candidate): void {
		// A merged candidate is exactly what is staged now; otherwise it is merged when asked for.
		this.stagedCache = candidate.bytes !== pending.update ? candidate.bytes : null;
		this.stagedRunsCache = undefined;
		this.stagedSize += pending.update.length;
		if (pending.decision) pending.tally = this.decisions.begin();
		else pending.seen = this.decisions.seen;
		this.queue.push(pending);
		this.writer ??= this.writeLoop().finally(() => {
			this.writer = null;
			this.inFlight = [];
		});
	}

	/** Resolves once nothing is being written. */
	async settled(): Promise<void> {
		while (this.writer) await this.writer;
	}

	/** Drops everything unstored, telling those who wait on it `error`. */
	drop(error: unknown): void {
		settleAll(this.queue, error);
		this.queue = [];
		this.inFlight = [];
		this.stagedCache = null;
		this.stagedRunsCache = undefined;
		this.stagedSize = 0;
	}

	private async writeLoop(): Promise<void> {
		while (this.queue.length > 0 && this.host.isReady()) {
			const batch = this.takeBatch();
			const { alsoWrite, decision, tally } = batch[0];
			let seqs: string[];
			let decided: RelayedDecision | undefined;
			try {
				if (this.host.owners.hasUnsaved) await this.host.owners.save(); // before the updates written with them
				if (alsoWrite) {
					const underLock = decision && tally && ((tx: Tx, counted: number) => decision(tx, counted, tally.before));
					const stored = await this.ctx.storeWith(this.host.mouId, batch, alsoWrite, underLock);
					if (stored.counted) tally?.stored(...stored.counted);
					if (stored.counted && batch[0].decides) decided = { count: stored.counted[1], ids: batch[0].decides };
					seqs = stored.seqs;
				} else seqs = await this.ctx.store(this.host.mouId, batch);
			} catch (error) {
				tally?.failed();
				if (hasSqlState(error, SqlState.mouTextFrozen)) {
					settleAll(batch, new DocumentFrozen());
					this.host.frozen();
				} else if (alsoWrite) {
					// The server's change and its record failed together: nothing of it happened.
					settleAll(batch, error);
					this.restage();
					this.host.unstaged();
					continue;
				} else if (hasSqlState(error, SqlState.decidedMeanwhile) && this.host.peers) {
					this.decidedMeanwhile(batch, error);
				} else {
					settleAll(batch, error);
					this.host.failed('write', error);
				}
				return;
			}
			if (!this.host.isReady()) return settleAll(batch, new Error('The document was closed'));
			this.restage();
			const applied = this.applyBatch(batch);
			if (applied === false) return settleAll(batch, new Error('The change could not be applied'));
			this.relay(batch, seqs, applied, decided);
			this.acknowledge(batch);
			settleAll(batch, null);
			this.host.stored(batch.length);
		}
	}

	/**
	 * MOU02: the batch was admitted before this room took in a decision another instance stored
	 * meanwhile, and so may be everything queued behind it. None of it is stored or shown: it is
	 * dropped, its senders are closed (their editors reconnect and send it again, to be judged with
	 * the decision, see decision-count.ts) and the room learns the decision; everyone else stays.
	 * (Without a relay the room cannot learn it from other instances: it fails and reloads instead.)
	 */
	private decidedMeanwhile(batch: PendingUpdate[], error: unknown): void {
		const senders = new Set([...batch, ...this.queue].flatMap(({ connection }) => (connection ? [connection] : [])));
		settleAll(batch, error);
		this.drop(error);
		this.host.unstaged();
		for (const connection of senders) connection.close(CloseCode.internalError, 'The draft changed meanwhile; reconnecting');
		this.host.decidedElsewhere();
	}

	private stagedRuns(): StagedRuns | null {
		if (this.stagedRunsCache === undefined) this.stagedRunsCache = layOutRuns([...this.inFlight, ...this.queue], this.host.doc);
		return this.stagedRunsCache;
	}

	/** What queued, up to the limits; an update with its own transaction (`alsoWrite`) goes alone. */
	private takeBatch(): PendingUpdate[] {
		if (this.queue[0].alsoWrite) return this.queue.splice(0, 1);
		let rows = 0;
		let bytes = 0;
		while (rows < this.queue.length && rows < MAX_BATCH_ROWS && !this.queue[rows].alsoWrite) {
			bytes += this.queue[rows].update.length;
			rows++;
			if (bytes >= MAX_BATCH_BYTES) break;
		}
		this.inFlight = this.queue.splice(0, rows);
		return this.inFlight;
	}

	/** After a batch is stored, only what is still queued is staged. */
	private restage(): void {
		this.inFlight = [];
		this.stagedCache = null;
		this.stagedRunsCache = undefined;
		this.stagedSize = this.queue.reduce((sum, pending) => sum + pending.update.length, 0);
	}

	/**
	 * Applies and broadcasts a stored batch. A batch from one sender (the usual case: one person's
	 * keystrokes that queued during the previous commit) is applied and sent as one merged update
	 * when that is smaller than its parts; from several senders each update keeps its origin, so
	 * nobody is sent their own edits. Returns the batch as one update when it was applied as one
	 * (for the relay), null when it was applied in parts, false when applying failed.
	 */
	private applyBatch(batch: PendingUpdate[]): Uint8Array | null | false {
		const origin = batch[0].connection;
		if (batch.length > 1 && batch.every((pending) => pending.connection === origin)) {
			const merged = Y.mergeUpdates(batch.map((pending) => pending.update));
			const parts = batch.reduce((sum, pending) => sum + pending.update.length, 0);
			if (merged.length < parts)
				return (
					this.applyOne(
						merged,
						origin,
						batch.some((pending) => pending.echo)
					) && merged
				);
		}
		for (const pending of batch) {
			if (!this.applyOne(pending.update, pending.connection, pending.echo)) return false;
		}
		return batch.length === 1 ? batch[0].update : null;
	}

	private applyOne(update: Uint8Array, origin: Connection | null, echo = false): boolean {
		try {
			Y.applyUpdate(this.host.doc, update, origin ?? this.host.serverOrigin);
		} catch (error) {
			this.host.failed('apply', error);
			return false;
		}
		this.host.broadcast(update, echo ? null : origin);
		return true;
	}

	/** Stored and applied here: now the other instances may have it too (one message per batch). */
	private relay(batch: PendingUpdate[], seqs: string[], applied: Uint8Array | null, decided?: RelayedDecision): void {
		if (!this.host.peers) return;
		const update = applied ?? Y.mergeUpdates(batch.map((pending) => pending.update));
		this.host.peers.stored(update, seqs, decided);
	}

	/** Tells each sender up to which clock the clients it touched are now stored. */
	private acknowledge(batch: PendingUpdate[]): void {
		// The usual keystroke: one sender writing with one client id (no sets or maps to build).
		const { connection, clients } = batch[0];
		if (batch.length === 1 && connection !== null && clients.length === 1) {
			connection.send(encodePersisted(new Map([[clients[0], Y.getState(this.host.doc.store, clients[0])]])));
			return;
		}
		const clientsBySender = new Map<Connection, Set<number>>();
		for (const { connection, clients } of batch) {
			if (connection === null) continue;
			const set = clientsBySender.get(connection) ?? new Set<number>();
			for (const client of clients) set.add(client);
			clientsBySender.set(connection, set);
		}
		for (const [connection, clients] of clientsBySender) {
			const clocks = new Map<number, number>();
			for (const client of clients) clocks.set(client, Y.getState(this.host.doc.store, client));
			connection.send(encodePersisted(clocks));
		}
	}
}

/**
 * The staged updates' structs per client, each run continuing where the document leaves off and
 * each update where the one before left off (null otherwise: overlaps and gaps are for merging).
 */
function layOutRuns(pending: PendingUpdate[], doc: Y.Doc): Map<number, DecodedStruct[]> | null {
	const runs = new Map<number, DecodedStruct[]>();
	for (const { decoded } of pending) {
		if (!decoded) return null;
		for (const struct of decoded.structs as DecodedStruct[]) {
			if (struct instanceof Y.Skip) return null;
			const run = runs.get(struct.id.client);
			const last = run?.[run.length - 1];
			const end = last ? last.id.clock + last.length : Y.getState(doc.store, struct.id.client);
			if (struct.id.clock !== end) return null;
			if (run) run.push(struct);
			else runs.set(struct.id.client, [struct]);
		}
	}
	return runs;
}

/** Whether each client of the update starts where its staged run ends (or has none). */
function continuesRuns(staged: StagedRuns, decoded: DecodedUpdate): boolean {
	let client = -1;
	for (const struct of decoded.structs) {
		if (struct instanceof Y.Skip) return false;
		if (struct.id.client === client) continue;
		client = struct.id.client;
		const run = staged.get(client);
		const last = run?.[run.length - 1];
		if (last && struct.id.clock !== last.id.clock + last.length) return false;
	}
	return true;
}

function mergeAll(pending: PendingUpdate[]): Uint8Array {
	return pending.length === 1 ? pending[0].update : Y.mergeUpdates(pending.map(({ update }) => update));
}

function settleAll(pending: PendingUpdate[], error: unknown): void {
	for (const { settle } of pending) {
		if (!settle) continue;
		if (error === null) settle.resolve();
		else settle.reject(error);
	}
}
