import type { Sql } from '$lib/server/db';
import type { Mailer } from '$lib/server/mail';
import type { NoticeTopic } from '$lib/collab/protocol';

export interface ReviewDeps {
	sql: Sql;
	mailer: Mailer;
	/** The app's public origin, for links in emails. */
	origin: string;
	/** Live "reload your data" notices (the collaboration server). */
	collab?: { notify?(mouId: string, topic: NoticeTopic): unknown };
}
