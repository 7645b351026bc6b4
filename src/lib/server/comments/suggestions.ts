import type { SessionUser } from '$lib/server/auth';
import { loadDocumentState } from '$lib/server/collab';
import { getMouAccess } from '$lib/server/mous';
import { listOpenSuggestions, lockSuggestions } from '$lib/server/redlines';
import type { Tx } from '$lib/server/db';
import { can } from '$lib/mou/lifecycle';
import { isSuggestionId } from '$lib/redlines/types';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import { post, type CommentsDeps } from './post';
import * as store from './store';
import { checkBody, checkVisibility } from './validation';

/**
 * Replies to a suggestion (a tracked change or a term proposal): "why this change?". A suggestion's
 * replies form comment threads like any other — one shared thread, and one internal thread per
 * party — started by the first reply of each kind. Only counsel of the two parties write in them,
 * only while the suggestion is open in this MOU's stored document; once it is decided its threads
 * stay readable (in the history) and take no more replies.
 */

export interface SuggestionReplyInput {
	suggestionId: unknown;
	body: unknown;
	visibility: unknown;
}

const NO_SUGGESTION = failure('not_found', 'This MOU has no such open suggestion.');
const DECIDED = failure('not_now', 'This suggestion has been decided: its thread is closed, and stays readable in the history.');

/** The suggestion was decided while the reply was on its way. */
class Decided extends Error {}
const decided = (error: unknown): 'decided' => {
	if (error instanceof Decided) return 'decided';
	throw error;
};

export async function replyToSuggestion(
	deps: CommentsDeps,
	user: SessionUser,
	mouId: string,
	input: SuggestionReplyInput
): Promise<Outcome<{ threadId: string; commentId: string; notified: string[] }> | null> {
	const access = await getMouAccess(deps.sql, user, mouId);
	if (!access) return null;
	if (!can(user, 'discussSuggestion')) return failure('forbidden', 'Only counsel of the two parties reply to suggestions.');
	if (!can(user, 'discussSuggestion', { status: access.mou.status }))
		return failure('not_now', 'Suggestions are discussed only while the MOU is negotiated; their threads are closed now.');
	if (!isSuggestionId(input.suggestionId)) return NO_SUGGESTION;
	const body = checkBody(input.body);
	const visibility = checkVisibility(input.visibility);
	if (!body.ok || !visibility.ok) return invalid({ ...(body.ok ? {} : { body: body.error }), ...(visibility.ok ? {} : { visibility: visibility.error }) });

	const suggestionId = input.suggestionId;
	// Decided first: a forged change reusing a decided id must not reopen that id's closed thread.
	if (await store.wasDecided(deps.sql, mouId, suggestionId)) return DECIDED;
	const open = listOpenSuggestions(await loadDocumentState(deps.sql, mouId));
	if (!open.some((s) => s.id === suggestionId)) return NO_SUGGESTION;
	// Open a moment ago; still undecided when stored: the decision takes the same lock (redlines/store.ts).
	const stillOpen = async (tx: Tx) => {
		await lockSuggestions(tx, mouId);
		if (await store.wasDecided(tx, mouId, suggestionId)) throw new Decided();
	};
	const reply = { visibility: visibility.value, body: body.value, quote: '', anchor: null };
	const existing = await store.findSuggestionThread(deps.sql, mouId, suggestionId, visibility.value, access.side);
	if (!existing) {
		const started = await post(deps, user, access, { ...reply, threadId: null, suggestionId }, stillOpen).catch(decided);
		if (started === 'decided') return DECIDED;
		if (started) return ok({ threadId: started.id, commentId: started.id, notified: started.notified });
	}
	// The thread exists, or someone else's first reply started it a moment ago.
	const threadId = existing ?? (await store.findSuggestionThread(deps.sql, mouId, suggestionId, visibility.value, access.side));
	if (!threadId) throw new Error('A suggestion thread refused as a duplicate could not be found.');
	const replied = await post(deps, user, access, { ...reply, threadId }, stillOpen).catch(decided);
	if (replied === 'decided') return DECIDED;
	if (!replied) throw new Error('A reply to a suggestion thread was not stored.');
	return ok({ threadId, commentId: replied.id, notified: replied.notified });
}
