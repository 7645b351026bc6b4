import type { SessionUser } from '$lib/server/auth';
import type { Sql, Tx } from '$lib/server/db';
import type { MouAccess } from '$lib/server/mous';
import { notifyMentions, type MentionMail } from './mentions';
import * as store from './store';

/** Only the topic goes out live, never content, so internal comments cannot leak through it. */
export interface CommentsDeps extends MentionMail {
	sql: Sql;
	collab?: { notify?(mouId: string, topic: 'comments'): void };
}

/**
 * Every comment is posted here — first comments, replies, replies to a suggestion — stored, its
 * mentions mailed (only to people who may read it), and the topic announced. Returns the new id and
 * who was notified; null when the store refused a second thread of the same kind on a suggestion
 * (store.insertComment), and then nothing was mailed or announced. `first` runs in the insert's
 * transaction, before it (a suggestion's lock and its open check): it throws to refuse the comment.
 */
export async function post(
	deps: CommentsDeps,
	user: SessionUser,
	access: MouAccess,
	row: Omit<store.NewComment, 'mouId' | 'authorId' | 'party'>,
	first?: (tx: Tx) => Promise<void>
): Promise<{ id: string; notified: string[] } | null> {
	const comment = { ...row, mouId: access.mou.id, authorId: user.id, party: access.side };
	const id = first
		? await deps.sql.begin(async (tx) => {
				await first(tx);
				return store.insertComment(tx, comment);
			})
		: await store.insertComment(deps.sql, comment);
	if (!id) return null;
	const notified = await notifyMentions(deps, user, access, { body: row.body, visibility: row.visibility });
	deps.collab?.notify?.(access.mou.id, 'comments');
	return { id, notified };
}
