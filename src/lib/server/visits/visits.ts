import type { SessionUser } from '$lib/server/auth';
import type { Sql } from '$lib/server/db';
import { loadDocumentState } from '$lib/server/collab';
import { commentsSince } from '$lib/server/comments';
import { getMouAccess, type MouAccess } from '$lib/server/mous';
import { decisionsSince, listOpenSuggestions, type OpenSuggestion } from '$lib/server/redlines';
import type { ChangeItem, WhatChanged } from '$lib/visits/types';
import * as store from './store';

/**
 * "Since your last visit" is measured from the moment a person last left the MOU's page (the page
 * reports it), so reloading the page or posting a comment does not reset what they are stepping
 * through, and what arrived while they were looking is not new next time. Only what others did
 * counts, and only what this person may read (comments through the comments domain's own filter).
 */
export async function whatChanged(sql: Sql, user: SessionUser, access: MouAccess): Promise<WhatChanged> {
	const mouId = access.mou.id;
	const [visit, open] = await Promise.all([store.findVisit(sql, mouId, user.id), openSuggestionsOf(sql, mouId)]);
	if (!visit) {
		await store.insertFirstVisit(
			sql,
			mouId,
			user.id,
			open.map((s) => s.id)
		);
		return { since: null, counts: { suggestion: 0, comment: 0, decision: 0 }, items: [] };
	}
	const seen = new Set(visit.seenSuggestions);
	// A suggestion's time is its author's browser clock: new means "not open when you last looked".
	const suggestions = open.filter((s) => s.authorId !== user.id && !seen.has(s.id));
	const [comments, decisions] = await Promise.all([commentsSince(sql, user, access, visit.seenAt), decisionsSince(sql, mouId, visit.seenAt, user.id)]);
	const items: ChangeItem[] = [
		...suggestions.map((s) => ({ kind: 'suggestion' as const, id: s.id, ...(s.termKey ? { termKey: s.termKey } : {}), label: suggestionLabel(s) })),
		...comments.map((c) =>
			c.suggestionId
				? {
						kind: 'comment' as const,
						id: c.id,
						threadId: c.threadId,
						suggestionId: c.suggestionId,
						label: `Reply by ${c.authorName} on a suggestion: ${short(c.body)}`
					}
				: { kind: 'comment' as const, id: c.id, threadId: c.threadId, label: `Comment by ${c.authorName}: ${short(c.body)}` }
		),
		...decisions.map((d) => ({ kind: 'decision' as const, id: d.eventId, label: d.summary }))
	];
	return { since: visit.seenAt, counts: { suggestion: suggestions.length, comment: comments.length, decision: decisions.length }, items };
}

/** The person left the MOU's page: what is open now has been seen. Null when the MOU is not theirs. */
export async function recordVisit(sql: Sql, user: SessionUser, mouId: string): Promise<true | null> {
	const access = await getMouAccess(sql, user, mouId);
	if (!access) return null;
	const open = await openSuggestionsOf(sql, mouId);
	await store.saveVisit(
		sql,
		mouId,
		user.id,
		open.map((s) => s.id)
	);
	return true;
}

async function openSuggestionsOf(sql: Sql, mouId: string): Promise<OpenSuggestion[]> {
	const ids = new Set<string>();
	// An insertion and a deletion may share an id (a replacement): one suggestion.
	return listOpenSuggestions(await loadDocumentState(sql, mouId)).filter((s) => !ids.has(s.id) && ids.add(s.id));
}

function suggestionLabel(s: OpenSuggestion): string {
	const what = s.kind === 'insertion' ? 'insert' : s.kind === 'deletion' ? 'delete' : 'set';
	return `Suggestion by ${s.authorName}: ${what} “${short(s.excerpt)}”`;
}

function short(text: string, length = 80): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}
