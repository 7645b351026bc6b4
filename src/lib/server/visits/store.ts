import type { Sql } from '$lib/server/db';

/** All SQL of visits: one row per person and MOU, the last time they left its page. */
export interface VisitRow {
	seenAt: Date;
	seenSuggestions: string[];
}

export async function findVisit(sql: Sql, mouId: string, userId: string) {
	const [row] = await sql<VisitRow[]>`
		select seen_at as "seenAt", seen_suggestions as "seenSuggestions" from mou_visits where mou_id = ${mouId} and user_id = ${userId}`;
	return row ?? null;
}

/** A first visit's row (if there is none yet): a later visit counts from here even if leaving is never reported. */
export async function insertFirstVisit(sql: Sql, mouId: string, userId: string, suggestionIds: string[]) {
	await sql`
		insert into mou_visits (mou_id, user_id, seen_at, seen_suggestions) values (${mouId}, ${userId}, now(), ${suggestionIds})
		on conflict (mou_id, user_id) do nothing`;
}

export async function saveVisit(sql: Sql, mouId: string, userId: string, suggestionIds: string[]) {
	await sql`
		insert into mou_visits (mou_id, user_id, seen_at, seen_suggestions) values (${mouId}, ${userId}, now(), ${suggestionIds})
		on conflict (mou_id, user_id) do update set seen_at = excluded.seen_at, seen_suggestions = excluded.seen_suggestions`;
}
