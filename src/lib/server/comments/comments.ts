import type { SessionUser } from '$lib/server/auth';
import type { Sql } from '$lib/server/db';
import { getMouAccess, type MouAccess } from '$lib/server/mous';
import type { CommentView, ThreadView } from '$lib/comments/types';
import { can } from '$lib/mou/lifecycle';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import { post, type CommentsDeps } from './post';
import * as store from './store';
import { replyToSuggestion } from './suggestions';
import { checkAnchor, checkBody, checkVisibility, cleanQuote, isUuid } from './validation';

/** Counsel and signatories comment; viewers only read shared threads. */
function mayComment(user: SessionUser) {
	return can(user, 'comment');
}

function readerOf(user: SessionUser, access: MouAccess): store.Reader {
	return { side: access.side, internal: mayComment(user) };
}

const NOT_FOUND = failure('not_found', 'No such comment thread.');
const CLOSED = failure('not_now', 'This MOU is agreed: its text is final, so comments are closed.');

/** Whether the MOU still takes comments (the lifecycle's rule); refusals come after the role check. */
const commentsOpen = (user: SessionUser, access: MouAccess) => can(user, 'comment', { status: access.mou.status });

/** The threads this person may read, open ones first; null when the MOU is not theirs. */
export async function listThreads(sql: Sql, user: SessionUser, mouId: string): Promise<ThreadView[] | null> {
	const access = await getMouAccess(sql, user, mouId);
	if (!access) return null;
	const rows = await store.listVisible(sql, mouId, readerOf(user, access));
	const threads = new Map<string, ThreadView>();
	for (const row of rows) {
		const comment: CommentView = {
			id: row.id,
			authorName: row.authorName,
			organizationName: row.organizationName,
			party: row.party,
			body: row.body,
			createdAt: row.createdAt,
			mine: row.authorId === user.id
		};
		if (row.threadId === null) {
			threads.set(row.id, {
				id: row.id,
				visibility: row.visibility,
				party: row.party,
				quote: row.quote,
				anchor: row.anchor,
				createdAt: row.createdAt,
				resolvedAt: row.resolvedAt,
				resolvedByName: row.resolvedByName,
				suggestionId: row.suggestionId,
				comments: [comment]
			});
		} else {
			threads.get(row.threadId)?.comments.push(comment);
		}
	}
	return [...threads.values()].sort((a, b) => Number(a.resolvedAt !== null) - Number(b.resolvedAt !== null));
}

/** Starts a thread on the selected text (or on the MOU as a whole when there is no anchor). */
export async function addComment(
	deps: CommentsDeps,
	user: SessionUser,
	mouId: string,
	input: { body: unknown; quote: unknown; anchor: unknown; visibility: unknown }
): Promise<Outcome<{ threadId: string; notified: string[] }> | null> {
	const access = await getMouAccess(deps.sql, user, mouId);
	if (!access) return null;
	if (!mayComment(user)) return failure('forbidden', 'Only counsel and signatories can comment.');
	if (!commentsOpen(user, access)) return CLOSED;
	const errors: Record<string, string> = {};
	const body = checkBody(input.body);
	const visibility = checkVisibility(input.visibility);
	const anchor = checkAnchor(input.anchor);
	if (!body.ok) errors.body = body.error;
	if (!visibility.ok) errors.visibility = visibility.error;
	if (!anchor.ok) errors.anchor = anchor.error;
	if (!body.ok || !visibility.ok || !anchor.ok) return invalid(errors);
	const posted = await post(deps, user, access, {
		threadId: null,
		visibility: visibility.value,
		body: body.value,
		quote: anchor.value ? cleanQuote(input.quote) : '',
		anchor: anchor.value
	});
	if (!posted) throw new Error('A new comment thread was not stored.');
	return ok({ threadId: posted.id, notified: posted.notified });
}

/** Looks up a thread the person may act on; foreign internal threads are simply not found. */
async function visibleThread(deps: CommentsDeps, user: SessionUser, mouId: string, threadId: unknown) {
	const access = await getMouAccess(deps.sql, user, mouId);
	if (!access) return null;
	if (!isUuid(threadId)) return { access, thread: null };
	return { access, thread: await store.findVisibleThread(deps.sql, mouId, threadId, readerOf(user, access)) };
}

/**
 * A reply keeps its thread's visibility: a reply in an internal thread stays internal. A reply in a
 * suggestion's thread follows the suggestion's rules (replyToSuggestion), whichever form sent it.
 */
export async function replyToThread(
	deps: CommentsDeps,
	user: SessionUser,
	mouId: string,
	input: { threadId: unknown; body: unknown }
): Promise<Outcome<{ commentId: string; notified: string[] }> | null> {
	const found = await visibleThread(deps, user, mouId, input.threadId);
	if (!found) return null;
	if (!mayComment(user)) return failure('forbidden', 'Only counsel and signatories can comment.');
	const { access, thread } = found;
	if (!thread) return NOT_FOUND;
	if (thread.suggestionId) {
		const replied = await replyToSuggestion(deps, user, mouId, { suggestionId: thread.suggestionId, body: input.body, visibility: thread.visibility });
		return replied && (replied.ok ? ok({ commentId: replied.value.commentId, notified: replied.value.notified }) : replied);
	}
	if (!commentsOpen(user, access)) return CLOSED;
	if (thread.resolvedAt) return failure('not_now', 'This thread is resolved; reopen it to reply.');
	const body = checkBody(input.body);
	if (!body.ok) return invalid({ body: body.error });
	const posted = await post(deps, user, access, { threadId: thread.id, visibility: thread.visibility, body: body.value, quote: '', anchor: null });
	if (!posted) throw new Error('A reply was not stored.');
	return ok({ commentId: posted.id, notified: posted.notified });
}

/** Resolves a thread, or reopens it (resolved = false). */
export async function setThreadResolved(
	deps: CommentsDeps,
	user: SessionUser,
	mouId: string,
	input: { threadId: unknown; resolved: boolean }
): Promise<Outcome<{ threadId: string }> | null> {
	const found = await visibleThread(deps, user, mouId, input.threadId);
	if (!found) return null;
	if (!mayComment(user)) return failure('forbidden', 'Only counsel and signatories can resolve comments.');
	if (!found.thread) return NOT_FOUND;
	if (found.thread.suggestionId) return failure('not_now', 'A suggestion’s thread closes when the suggestion is accepted, rejected or withdrawn.');
	if (!commentsOpen(user, found.access)) return CLOSED;
	await store.setResolved(deps.sql, mouId, found.thread.id, input.resolved ? user.id : null);
	deps.collab?.notify?.(mouId, 'comments');
	return ok({ threadId: found.thread.id });
}

/** Comments this person may read that others wrote after `since`: never another party's internal ones. */
export async function commentsSince(sql: Sql, user: SessionUser, access: MouAccess, since: Date) {
	return store.visibleSince(sql, access.mou.id, readerOf(user, access), since, user.id);
}
