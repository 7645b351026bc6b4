import type { JSONValue, Sql, Tx } from '$lib/server/db';
import type { Party } from '$lib/mou/party';
import type { Role } from '$lib/mou/lifecycle';
import type { CommentView, ThreadView, Visibility } from '$lib/comments/types';

/**
 * All SQL of comments. Every read filters by who is asking, in SQL: a shared thread is for both
 * parties, an internal one only for its own party — a row the reader may not see never leaves
 * the database. Replies carry their thread's visibility, and both the row and its thread are checked.
 */

/** Whom a read is for: their side, and whether they may see their party's internal threads. */
export interface Reader {
	side: Party;
	internal: boolean;
}

/** A comment as stored: the page's comment view plus its thread's fields, and who wrote it. */
export type CommentRow = Omit<CommentView, 'mine'> &
	Pick<ThreadView, 'visibility' | 'quote' | 'anchor' | 'resolvedAt' | 'resolvedByName' | 'suggestionId'> & {
		threadId: string | null;
		authorId: string;
	};

export type ThreadRoot = Pick<ThreadView, 'id' | 'visibility' | 'party' | 'resolvedAt' | 'suggestionId'>;

const visibleTo = (sql: Sql, reader: Reader) => sql`
	(c.visibility = 'shared' or (${reader.internal}::boolean and c.party = ${reader.side}::text))
	and (t.id is null or t.visibility = 'shared' or (${reader.internal}::boolean and t.party = ${reader.side}::text))`;

export async function listVisible(sql: Sql, mouId: string, reader: Reader) {
	return sql<CommentRow[]>`
		select c.id, c.thread_id as "threadId", c.author_id as "authorId", u.name as "authorName", o.name as "organizationName",
			c.party, c.visibility, c.body, c.quote, c.anchor, c.created_at as "createdAt",
			c.resolved_at as "resolvedAt", ru.name as "resolvedByName", c.suggestion_id as "suggestionId"
		from mou_comments c
		left join mou_comments t on t.id = c.thread_id
		join users u on u.id = c.author_id
		left join memberships m on m.user_id = c.author_id
		left join organizations o on o.id = m.organization_id
		left join users ru on ru.id = c.resolved_by
		where c.mou_id = ${mouId} and ${visibleTo(sql, reader)}
		order by c.created_at, c.id`;
}

/** A thread (its first comment) the reader may see; null for anything else, foreign internal threads included. */
export async function findVisibleThread(sql: Sql, mouId: string, threadId: string, reader: Reader) {
	const [row] = await sql<ThreadRoot[]>`
		select c.id, c.visibility, c.party, c.resolved_at as "resolvedAt", c.suggestion_id as "suggestionId"
		from mou_comments c left join mou_comments t on t.id = c.thread_id
		where c.mou_id = ${mouId} and c.id = ${threadId} and c.thread_id is null and ${visibleTo(sql, reader)}`;
	return row ?? null;
}

/**
 * The thread a reply to a suggestion goes into: its shared thread, or the writer's own party's
 * internal one (the other party's internal thread is never a candidate). Null until its first reply.
 */
export async function findSuggestionThread(sql: Sql, mouId: string, suggestionId: string, visibility: Visibility, party: Party) {
	const [row] = await sql<{ id: string }[]>`
		select id from mou_comments
		where mou_id = ${mouId} and suggestion_id = ${suggestionId} and visibility = ${visibility}
			and (visibility = 'shared' or party = ${party})`;
	return row?.id ?? null;
}

/** Whether a suggestion of this MOU was accepted, rejected or withdrawn (so its thread is closed, not unknown). */
export async function wasDecided(sql: Sql | Tx, mouId: string, suggestionId: string): Promise<boolean> {
	const [row] = await sql`select 1 from mou_decisions where mou_id = ${mouId} and suggestion_id = ${suggestionId} limit 1`;
	return Boolean(row);
}

export interface NewComment {
	mouId: string;
	threadId: string | null;
	authorId: string;
	party: Party;
	visibility: Visibility;
	body: string;
	quote: string;
	anchor: unknown;
	/** Only on the first comment of a suggestion's thread. */
	suggestionId?: string | null;
}

/**
 * Stores a comment; null when it would start a second thread of the same kind on a suggestion
 * (someone else's first reply won the race: the caller replies in that thread instead).
 */
export async function insertComment(sql: Sql | Tx, c: NewComment): Promise<string | null> {
	const anchor = c.anchor === null ? null : sql.json(c.anchor as JSONValue);
	const [row] = await sql<{ id: string }[]>`
		insert into mou_comments (mou_id, thread_id, author_id, party, visibility, body, quote, anchor, suggestion_id)
		values (${c.mouId}, ${c.threadId}, ${c.authorId}, ${c.party}, ${c.visibility}, ${c.body}, ${c.quote}, ${anchor}, ${c.suggestionId ?? null})
		on conflict do nothing
		returning id`;
	return row?.id ?? null;
}

export async function setResolved(sql: Sql, mouId: string, threadId: string, resolvedBy: string | null) {
	await sql`
		update mou_comments
		set resolved_at = case when ${resolvedBy}::uuid is null then null else now() end, resolved_by = ${resolvedBy}::uuid
		where mou_id = ${mouId} and id = ${threadId} and thread_id is null`;
}

/** Everyone on the MOU's two parties (who may be mentioned, before the comment's visibility narrows it). */
export interface MouPerson {
	id: string;
	name: string;
	email: string;
	party: Party;
	role: Role;
	organizationId: string;
}

export async function listMouPeople(sql: Sql, mouId: string) {
	return sql<MouPerson[]>`
		select u.id, u.name, u.email, p.side as party, m.role, m.organization_id as "organizationId"
		from mou_parties p
		join memberships m on m.organization_id = p.organization_id
		join users u on u.id = m.user_id
		where p.mou_id = ${mouId}
		order by p.side, u.name, u.id`;
}

/** Comments (first or reply) the reader may see that someone else wrote after `since`, oldest first. */
export async function visibleSince(sql: Sql, mouId: string, reader: Reader, since: Date, userId: string) {
	return sql<{ id: string; threadId: string; suggestionId: string | null; authorName: string; body: string; createdAt: Date }[]>`
		select c.id, coalesce(c.thread_id, c.id) as "threadId", coalesce(c.suggestion_id, t.suggestion_id) as "suggestionId",
			u.name as "authorName", c.body, c.created_at as "createdAt"
		from mou_comments c
		left join mou_comments t on t.id = c.thread_id
		join users u on u.id = c.author_id
		where c.mou_id = ${mouId} and c.created_at > ${since} and c.author_id <> ${userId} and ${visibleTo(sql, reader)}
		order by c.created_at, c.id`;
}
