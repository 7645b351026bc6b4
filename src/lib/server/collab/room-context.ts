import type { Sql, Tx } from '../db';
import type { StoredUpdate } from './persistence';
import type { RateMeter } from './limits';
import type { CollabRelay } from './relay';
import type { Room } from './room';
import type { CollabLimits, CollabLog, DocumentRules } from './types';

/** What every room of an instance shares (handed down by the server). */
export interface RoomContext {
	sql: Sql;
	/** Stores a batch durably (shared by the rooms of the instance); resolves with the rows' seqs (none without a relay). */
	store(mouId: string, updates: StoredUpdate[]): Promise<string[]>;
	/**
	 * Stores updates and runs `alsoWrite` in one transaction (a decision and its record). With
	 * `decision`, the transaction first takes the MOU's row lock (lockForDecision), runs it with
	 * the count found there, and counts the decision last: `counted` is the count before and after.
	 */
	storeWith(
		mouId: string,
		updates: StoredUpdate[],
		alsoWrite: (tx: Tx) => Promise<void>,
		decision?: (tx: Tx, counted: number) => Promise<void>
	): Promise<{ seqs: string[]; counted?: [number, number] }>;
	/** What the document's owner (its template) says about clauses and terms. */
	documentRules(mouId: string): Promise<DocumentRules>;
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
	/** An edit of the MOU was stored: its "recently edited" stamp is due (activity-stamps.ts). */
	edited(mouId: string): void;
	/** Keeps a background task (compaction, activity stamp) for shutdown to wait on. */
	track(task: Promise<unknown>): void;
	/** The room has no connections left. */
	onEmpty(room: Room): void;
	/** The room can no longer be trusted (load or write failed); drop it. */
	onFailed(room: Room): void;
	/** The room's template changed under it: drop it, and load the next one after it is done. */
	retire(room: Room): void;
}
