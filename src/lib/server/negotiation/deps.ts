import type { Sql } from '$lib/server/db';
import type { Mailer } from '$lib/server/mail';
import type { NoticeTopic } from '$lib/collab/protocol';

/** The part of the collaboration server this module uses (optional while it is being added). */
export interface LiveNotifier {
	notify?(mouId: string, topic: NoticeTopic): void;
}

export interface NegotiationDeps {
	sql: Sql;
	mailer: Mailer;
	/** The app's public origin, for links in emails. */
	origin: string;
	collab?: LiveNotifier;
}
