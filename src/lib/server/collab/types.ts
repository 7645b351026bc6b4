import type { IncomingMessage } from 'node:http';
import type { Sql } from '../db';

/** Who is on the other end of a collaboration connection, as established by `authorize`. */
export interface CollabIdentity {
	userId: string;
	name: string;
	organizationId: string;
	side: 'agency' | 'district';
	/** False for viewers and for MOUs no longer being drafted: their updates are dropped. */
	canWrite: boolean;
}

/** An identity, or a refusal closed with `refuse` (CloseCode.unauthenticated | forbidden | notFound). */
export type CollabAuthorization = CollabIdentity | { refuse: number; reason: string };

export interface CollabLimits {
	/** Larger messages close the connection with CloseCode.tooLarge. */
	maxMessageBytes: number;
	/** A connection that has not answered the previous ping by the next one is dropped. */
	pingIntervalMs: number;
	/** Log rows per MOU beyond which they are merged into the checkpoint. */
	compactAfterUpdates: number;
}

/** Structured, one line per connection event or error; never document content. */
export type CollabLog = (event: Record<string, unknown>) => void;

export interface CollabServerOptions {
	sql: Sql;
	authorize(req: IncomingMessage, mouId: string): Promise<CollabAuthorization>;
	limits?: Partial<CollabLimits>;
	log?: CollabLog;
}

export interface CollabStats {
	connections: number;
	documents: number;
	updatesAccepted: number;
	updatesRefused: number;
}

export const DEFAULT_LIMITS: CollabLimits = {
	maxMessageBytes: 1024 * 1024,
	pingIntervalMs: 30_000,
	compactAfterUpdates: 200
};
