import type { Sql, Tx } from '$lib/server/db';
import type { Mailer } from '$lib/server/mail';
import type { NoticeTopic } from '$lib/collab/protocol';

/** What the signing workflow needs from the app; tests pass their own (and their own clock). */
export interface SigningDeps {
	sql: Sql;
	mailer: Mailer;
	/** The app's public origin, for links in emails. */
	origin: string;
	collab?: { notify?(mouId: string, topic: NoticeTopic): void };
	/**
	 * Run in the transaction that completes a signing: a signed review draft closes the review of
	 * the MOU it reviews (reviews' `closeReviewBySuccessor`). Passed in, because reviews reach
	 * signing through publication and signing may not import them back.
	 */
	closeReview?(tx: Tx, signedMouId: string, now: Date): Promise<void>;
}

/** Where a request came from, for the audit trail and the certificate. */
export interface RequestContext {
	ipAddress: string;
	userAgent: string;
}

export const SYSTEM_ACTOR = 'MOU Studio';
