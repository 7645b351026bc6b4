import * as Y from 'yjs';
import { encodeAwarenessUpdate, type Awareness } from 'y-protocols/awareness';
import { errorMessage } from './connection';
import { LogFollower } from './log-follower';
import { applyPresence, decodePresence } from './presence';
import type { CollabRelay, RelayedDecision, RelayMessage } from './relay';
import type { NoticeTopic } from '../../collab/protocol';
import type { RoomContext } from './room-context';
import type { Tx } from '../db';

/** Relayed updates kept while the document loads; past that the room re-reads the log instead. */
const MAX_RELAYED_WHILE_LOADING = 1_000;

/** Origins of changes other instances stored: applied and shown here, never stored or relayed again. */
export const RELAYED = Symbol('relayed');
const CAUGHT_UP = Symbol('caught-up');

/** What RoomPeers needs of its room. */
export interface PeerHost {
	readonly mouId: string;
	readonly doc: Y.Doc;
	readonly awareness: Awareness;
	/** Sends an update the document took in to every local connection. */
	broadcast(update: Uint8Array): void;
	/** Another instance says something outside the text changed. */
	notice(topic: NoticeTopic): Promise<void>;
	/** 'loading' buffers what arrives; 'gone' (failed or unloaded) drops it. */
	state(): 'loading' | 'ready' | 'gone';
	/** Presence client ids of each local connection, by person. */
	localPresence(): Array<{ userId: string; clients: number[] }>;
	/** A decision another instance stored is arriving: its ids are closed before its update is applied. */
	closeDecided(ids: string[]): void;
	/** That decision's update is in the document, with everything it builds on: the MOU has had `count`. */
	decidedElsewhere(count: number): void;
}

type Relayed = { seqs: string[]; update: Uint8Array; decision?: RelayedDecision };

/**
 * One room's link to the other instances that have the same MOU open. Their updates arrive
 * already stored: applied to the room's document (so later local updates that build on them
 * pass the guard), never stored again. Whatever the relay loses is re-read from the log: after
 * an outage, when an update arrives whose predecessor did not, and every catchUpIntervalMs.
 */
export class RoomPeers {
	private follower: LogFollower | null = null;
	/** Joined the relay's channel for this document (left exactly once). */
	private joined = false;
	private relayedWhileLoading: Relayed[] = [];
	private catchUpRequested = false;
	/** Notices relayed while loading: the load may have read the state from before them (a state change). */
	private noticesWhileLoading: NoticeTopic[] = [];
	private catchingUp: Promise<boolean> | null = null;
	private timer: NodeJS.Timeout | null = null;
	/** Presence client ids announced through other instances → the person they belong to. */
	private readonly remoteOwners = new Map<number, string>();

	constructor(
		private readonly ctx: RoomContext,
		private readonly relay: CollabRelay,
		private readonly room: PeerHost
	) {}

	/** Before the room reads the log: whatever is stored after the read then arrives through the relay. */
	async join(): Promise<void> {
		this.joined = true;
		await this.relay.join(this.room.mouId);
	}

	/** The room loaded the log up to `watermark`: catch up on what arrived meanwhile and go live. */
	ready(watermark: string): void {
		this.follower = new LogFollower(this.ctx.sql, this.room.mouId, watermark);
		for (const relayed of this.relayedWhileLoading.splice(0)) this.applyRelayed(relayed);
		for (const topic of this.noticesWhileLoading.splice(0)) this.room.notice(topic);
		this.relay.publish(this.room.mouId, { kind: 'presenceQuery' });
		this.schedule();
		if (this.catchUpRequested) void this.catchUp();
	}

	receive(message: RelayMessage): void {
		const state = this.room.state();
		if (state === 'loading') {
			if (message.kind === 'update') this.bufferWhileLoading(message);
			else if (message.kind === 'resync') this.catchUpRequested = true;
			else if (message.kind === 'notice') this.noticesWhileLoading.push(message.topic); // acted on once loaded
			return; // presence: the query sent once loaded brings it
		}
		if (message.kind === 'notice') return void this.room.notice(message.topic);
		if (state !== 'ready') return;
		if (message.kind === 'update') this.applyRelayed(message);
		else if (message.kind === 'presence') this.applyRelayedPresence(message.userId, message.update);
		else if (message.kind === 'presenceQuery') this.publishLocalPresence();
		else void this.catchUp();
	}

	/** The relay was down: re-read the log and ask for presence again. */
	resume(): void {
		const state = this.room.state();
		if (state === 'loading') this.catchUpRequested = true;
		if (state !== 'ready') return;
		void this.catchUp();
		this.relay.publish(this.room.mouId, { kind: 'presenceQuery' });
	}

	/** A batch this instance stored and applied (log rows `seqs`); a decision's with the count it made and its ids. */
	stored(update: Uint8Array, seqs: string[], decision?: RelayedDecision): void {
		this.follower?.markKnown(seqs);
		this.relay.publish(this.room.mouId, decision ? { kind: 'update', seqs, update, decision } : { kind: 'update', seqs, update });
	}

	notice(topic: NoticeTopic): void {
		this.relay.publish(this.room.mouId, { kind: 'notice', topic });
	}

	/** Presence changed by a local connection of `userId` (or its departure). */
	presenceChanged(update: Uint8Array, userId: string): void {
		this.relay.publish(this.room.mouId, { kind: 'presence', userId, update });
	}

	/** The person whose connection on another instance announced this presence client id. */
	remoteOwner(clientId: number): string | undefined {
		return this.remoteOwners.get(clientId);
	}

	forget(clientIds: number[]): void {
		for (const clientId of clientIds) this.remoteOwners.delete(clientId);
	}

	stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		this.relayedWhileLoading = [];
		if (!this.joined) return;
		this.joined = false;
		this.relay.leave(this.room.mouId);
	}

	private bufferWhileLoading({ seqs, update, decision }: Relayed): void {
		if (this.relayedWhileLoading.length >= MAX_RELAYED_WHILE_LOADING) {
			this.relayedWhileLoading = [];
			this.catchUpRequested = true;
			return;
		}
		this.relayedWhileLoading.push({ seqs, update, decision });
	}

	/**
	 * A decision's update comes with its ids, closed first, and the MOU's count, taken in once the
	 * update is wholly in the document (decision-count.ts: only by a room that had seen every one
	 * before it). All in this one turn: nothing is admitted between the three.
	 */
	private applyRelayed({ seqs, update, decision }: Relayed): void {
		const { doc } = this.room;
		if (decision) this.room.closeDecided(decision.ids);
		try {
			Y.applyUpdate(doc, update, RELAYED);
		} catch (error) {
			this.logError('relay-apply', error);
			void this.catchUp();
			return;
		}
		this.room.broadcast(update);
		this.ctx.counters.remoteUpdates++;
		this.follower?.markKnown(seqs);
		// Something it builds on never arrived: the log has it.
		if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) void this.catchUp();
		else if (decision) this.room.decidedElsewhere(decision.count);
	}

	/**
	 * Re-reads what other instances stored since the room last looked (one read at a time).
	 * Resolves true once a read that started after the call has been applied (false: it failed).
	 */
	catchUp(): Promise<boolean> {
		if (!this.follower || this.room.state() !== 'ready') return Promise.resolve(false);
		this.catchUpRequested = true;
		if (!this.catchingUp) {
			this.catchingUp = this.runCatchUp();
			this.ctx.track(this.catchingUp);
		}
		return this.catchingUp;
	}

	/** Under a decision's lock: what other instances stored that the document lacks, read in `tx` and applied; how many changed it. */
	async catchUpWith(tx: Tx): Promise<number> {
		if (!this.follower) return 0;
		return this.applyFromLog(await this.follower.fetchNew(tx));
	}

	private async runCatchUp(): Promise<boolean> {
		try {
			while (this.catchUpRequested && this.room.state() === 'ready') {
				this.catchUpRequested = false;
				let updates: Uint8Array[];
				try {
					updates = await this.follower!.fetchNew();
				} catch (error) {
					this.logError('catch-up', error);
					return false; // the next timer tick or resume tries again
				}
				if (this.room.state() !== 'ready') return false;
				this.applyFromLog(updates);
			}
			return this.room.state() === 'ready';
		} finally {
			this.catchingUp = null; // no await since the last check: a new request starts a new run
		}
	}

	/** Returns how many of `updates` changed the document. */
	private applyFromLog(updates: Uint8Array[]): number {
		if (updates.length === 0) return 0;
		// Rows read back are mostly known already: only what is new to the document goes out.
		let changed = 0;
		const broadcast = (update: Uint8Array) => {
			changed++;
			this.room.broadcast(update);
		};
		this.room.doc.on('update', broadcast);
		for (const update of updates) {
			try {
				Y.applyUpdate(this.room.doc, update, CAUGHT_UP);
				this.ctx.counters.remoteUpdates++;
			} catch (error) {
				this.logError('catch-up-apply', error);
			}
		}
		this.room.doc.off('update', broadcast);
		return changed;
	}

	private schedule(): void {
		const interval = this.ctx.limits.catchUpIntervalMs;
		// Jittered so that the rooms of an instance do not all query at once.
		this.timer = setTimeout(
			() => {
				void this.catchUp();
				this.schedule();
			},
			interval * (0.75 + Math.random() * 0.5)
		);
		this.timer.unref();
	}

	private applyRelayedPresence(userId: string, update: Uint8Array): void {
		let entries;
		try {
			entries = decodePresence(update);
		} catch (error) {
			this.logError('relay-presence', error);
			return;
		}
		for (const { clientId, state } of entries) {
			if (state === null) this.remoteOwners.delete(clientId);
			else this.remoteOwners.set(clientId, userId);
		}
		applyPresence(this.room.awareness, entries, RELAYED);
	}

	/** Answers a newcomer instance: the presence of each local connection, under its person. */
	private publishLocalPresence(): void {
		for (const { userId, clients } of this.room.localPresence()) {
			if (clients.length === 0) continue;
			const update = encodeAwarenessUpdate(this.room.awareness, clients);
			this.relay.publish(this.room.mouId, { kind: 'presence', userId, update });
		}
	}

	private logError(stage: string, error: unknown): void {
		this.ctx.log({ event: 'collab.error', stage, mouId: this.room.mouId, error: errorMessage(error) });
	}
}
