import type { Sql } from '$lib/server/db';
import type { Mailer } from '$lib/server/mail';
import type { NoticeTopic } from '$lib/collab/protocol';

/** What the signing workflow needs from the app; tests pass their own (and their own clock). */
export interface SigningDeps {
	sql: Sql;
	mailer: Mailer;
	/** The app's public origin, for links in emails. */
	origin: string;
	collab?: { notify?(mouId: string, topic: NoticeTopic): void };
}

/** Where a request came from, for the audit trail and the certificate. */
export interface RequestContext {
	ipAddress: string;
	userAgent: string;
}

export const SYSTEM_ACTOR = 'MOU Studio';
