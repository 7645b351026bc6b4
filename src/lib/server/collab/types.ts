import type { IncomingMessage } from 'node:http';
import type { Sql } from '../db';
import type { CollabRelay } from './relay';
import type { Party } from '$lib/mou/party';

/** Who is on the other end of a collaboration connection, as established by `authorize`. */
export interface CollabIdentity {
	userId: string;
	name: string;
	organizationId: string;
	side: Party;
	/** False for viewers and for MOUs no longer being drafted: their updates are dropped. */
	canWrite: boolean;
}

/** An identity, or a refusal closed with `refuse` (CloseCode.unauthenticated | forbidden | notFound). */
export type CollabAuthorization = CollabIdentity | { refuse: number; reason: string };

/** Every limit closes only the offending connection, with the close code named here. */
export interface CollabLimits {
	/** Larger messages close the connection with CloseCode.tooLarge. */
	maxMessageBytes: number;
	/** A connection that has not answered the previous ping by the next one is dropped (CloseCode.deadConnection). */
	pingIntervalMs: number;
	/** Log rows per MOU beyond which they are merged into the checkpoint. */
	compactAfterUpdates: number;
	/** Sustained messages per second per connection (token bucket refill); beyond: CloseCode.rateLimited. */
	messagesPerSecond: number;
	/** Messages a connection may send at once before the sustained rate applies (bucket size). */
	messageBurst: number;
	/** Open connections of one person on this instance; beyond: CloseCode.rateLimited. */
	maxConnectionsPerUser: number;
	/** Open connections to one MOU on this instance; beyond: CloseCode.rateLimited. */
	maxConnectionsPerDocument: number;
	/**
	 * With a relay, how often each open document re-reads the log tail from PostgreSQL, in case a
	 * relayed message was lost without the relay noticing (e.g. an instance died mid-publish).
	 */
	catchUpIntervalMs: number;
	/** How long a preloaded document (`preload`: its page was just served) waits, unconnected, for the page's editor. */
	preloadMs: number;
}

/** Structured, one line per connection event or error; never document content. */
export type CollabLog = (event: Record<string, unknown>) => void;

/**
 * What a document's owner says about its content (for MOUs: the template they were made from).
 * The collaboration server knows no templates; without rules, only the structural checks apply.
 */
export interface DocumentRules {
	/** Why a fill-in term's new value does not fit the term's declared type, or null when it fits. */
	termProblem(key: string, value: string): string | null;
	/**
	 * The identity a client may give a clause it adds with this id: an unlocked template clause put
	 * back ("restore"). null: no such clause, or a locked one (only the template makes those).
	 */
	restorableClause(clauseId: string): { level: string; nasro: string } | null;
}

export const NO_DOCUMENT_RULES: DocumentRules = {
	termProblem: () => null,
	restorableClause: () => null
};

export interface CollabServerOptions {
	sql: Sql;
	authorize(req: IncomingMessage, mouId: string): Promise<CollabAuthorization>;
	limits?: Partial<CollabLimits>;
	log?: CollabLog;
	/** Carries updates and presence to the other instances (Redis); without it this is the only instance. */
	relay?: CollabRelay;
	/** Loaded with each document; without it, only the structural checks apply. */
	documentRules?(mouId: string): Promise<DocumentRules>;
}

export interface CollabStats {
	connections: number;
	documents: number;
	/** Local updates stored (since start). */
	updatesAccepted: number;
	/** Updates dropped (read-only connections) or refused by the guard (since start). */
	updatesRefused: number;
	/** Local updates accepted per second, averaged over the last 10 seconds. */
	updatesPerSecond: number;
	/** Updates stored by other instances and applied here (relayed or caught up). */
	remoteUpdates: number;
	/** Connections refused by a connection limit (per user / per document). */
	connectionsRefused: number;
	/** Connections closed for sending too many messages. */
	connectionsRateLimited: number;
	/** 'off' without a relay; otherwise whether the relay is connected now. */
	relay: 'off' | 'ready' | 'down';
}

export const DEFAULT_LIMITS: CollabLimits = {
	maxMessageBytes: 1024 * 1024,
	pingIntervalMs: 30_000,
	// Compaction merges the whole checkpoint again: ~18 ms of CPU for a full draft, i.e. ~90 µs
	// per keystroke at 200 rows, ~37 µs at 1,000 (bench/README.md); the price is merging up to
	// 1,000 small rows more when a document is opened (~20 ms).
	compactAfterUpdates: 1_000,
	// Fast typing in TipTap is ~15 keystrokes/s, each an update plus an awareness message; the
	// burst absorbs scripted bursts (a plugin applying many small transactions at once).
	messagesPerSecond: 100,
	messageBurst: 1_000,
	maxConnectionsPerUser: 30,
	maxConnectionsPerDocument: 100,
	catchUpIntervalMs: 30_000,
	// From the page's answer to its editor's websocket: well under a second here, seconds on a slow phone.
	preloadMs: 15_000
};
