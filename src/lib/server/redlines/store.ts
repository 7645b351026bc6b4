import type { Sql, Tx } from '../db';
import type { Decision, Party } from '../../redlines/types';
import type { OpenSuggestion } from './scan';

/**
 * Holds the MOU's row until the transaction ends, the lock on its suggestions closing: a decision
 * holds it (FOR UPDATE, its first statement: collab's lockForDecision, which also makes other
 * instances' typing wait), a reply to a suggestion takes it before it checks that the suggestion is
 * still undecided and is stored (comments/suggestions.ts), so no reply lands in a thread after its
 * decision. The row, not an advisory lock: a reply holding one while its INSERT waits for the row
 * (key share, its foreign key) would deadlock with a decision that holds the row and wants it.
 */
export async function lockSuggestions(tx: Tx, mouId: string): Promise<void> {
	await tx`select 1 from mous where id = ${mouId} for no key update`;
}

/**
 * Records decisions and one timeline event for them, inside the transaction that stores the
 * document change they made (collab applyServerChange's `record`): both happen or neither does.
 */
export async function recordDecisions(
	tx: Tx,
	mouId: string,
	decider: { userId: string; side: Party; name: string },
	decision: Decision,
	decided: OpenSuggestion[]
): Promise<void> {
	if (decided.length === 0) return;
	await lockSuggestions(tx, mouId);
	await tx`
		insert into mou_decisions (mou_id, suggestion_id, kind, decision, suggested_by, suggested_party, excerpt, decided_by, decided_party)
		select ${mouId}, id, kind, ${decision}, author_id, party, excerpt, ${decider.userId}, ${decider.side}
		from unnest(${decided.map((s) => s.id)}::text[], ${decided.map((s) => s.kind)}::text[],
			${decided.map((s) => s.authorId)}::uuid[], ${decided.map((s) => s.party)}::text[], ${decided.map((s) => s.excerpt)}::text[])
			as d (id, kind, author_id, party, excerpt)`;
	await tx`
		insert into mou_events (mou_id, user_id, party, kind, summary, detail)
		values (${mouId}, ${decider.userId}, ${decider.side}, 'decision', ${summarize(decider.name, decision, decided)},
			${tx.json({ decision, suggestions: decided.map((s) => ({ id: s.id, kind: s.kind, party: s.party, excerpt: s.excerpt })) })})`;
}

const VERB: Record<Decision, string> = { accept: 'accepted', reject: 'rejected', withdraw: 'withdrew' };

function summarize(name: string, decision: Decision, decided: OpenSuggestion[]): string {
	const ids = new Set(decided.map((s) => s.id));
	const what = ids.size === 1 ? `a suggestion by ${decided[0].authorName}` : `${ids.size} suggestions`;
	return `${name} ${VERB[decision]} ${what}`;
}

/** Who decided what, newest first (for the suggestions history and tests). */
export async function listDecisions(sql: Sql, mouId: string) {
	return sql<
		{
			suggestionId: string;
			kind: string;
			decision: Decision;
			suggestedParty: Party;
			decidedBy: string;
			decidedParty: Party;
			decidedAt: Date;
			excerpt: string;
		}[]
	>`
		select suggestion_id as "suggestionId", kind, decision, suggested_party as "suggestedParty",
			decided_by as "decidedBy", decided_party as "decidedParty", decided_at as "decidedAt", excerpt
		from mou_decisions where mou_id = ${mouId} order by id desc`;
}

/** Decisions someone other than `userId` made after `since` (one timeline event each), oldest first. */
export async function decisionsSince(sql: Sql, mouId: string, since: Date, userId: string) {
	return sql<{ eventId: string; summary: string; at: Date }[]>`
		select id::text as "eventId", summary, at from mou_events
		where mou_id = ${mouId} and kind = 'decision' and at > ${since} and user_id is distinct from ${userId}
		order by at, id`;
}
