import type { JSONValue, Sql, Tx } from '$lib/server/db';
import type { MouStatus } from '$lib/server/mous';
import type { Party } from '$lib/mou/party';
import type { TimelineEvent, VersionKind, VersionSummary } from '$lib/negotiation/types';

/** All SQL of the negotiation module: versions (rounds, agreed text), approvals, the event timeline. */

type Queryable = Sql | Tx;

export interface ApprovalRow {
	party: Party;
	userId: string;
	userName: string;
	throughSeq: string;
	approvedAt: Date;
}

/** A stored timeline event: what the history shows, with its detail still raw (the version and excerpt are read from it). */
export interface EventRow extends Omit<TimelineEvent, 'versionId' | 'excerpt' | 'suggestionIds'> {
	detail: Record<string, unknown>;
}

export interface Recipient {
	email: string;
	name: string;
	organizationId: string;
}

/**
 * Locks the MOU row against concurrent edits for the rest of the transaction (the trigger on
 * mou_updates takes FOR SHARE), so what is checked and recorded here is what was stored.
 */
export async function lockMou(tx: Tx, mouId: string) {
	const [row] = await tx<{ status: MouStatus }[]>`select status from mous where id = ${mouId} for update`;
	return row ?? null;
}

/** The highest update sequence the stored draft contains (the log may have been compacted). */
export async function currentSeq(sql: Queryable, mouId: string): Promise<string> {
	const [row] = await sql<{ seq: string }[]>`
		select greatest(
			(select coalesce(max(seq), 0) from mou_updates where mou_id = ${mouId}),
			(select coalesce(max(upto_seq), 0) from mou_checkpoints where mou_id = ${mouId})
		)::text as seq`;
	return row.seq;
}

export async function latestVersion(sql: Queryable, mouId: string) {
	const [row] = await sql<{ number: number; party: Party | null; throughSeq: string; kind: VersionKind }[]>`
		select number, party, through_seq::text as "throughSeq", kind from mou_versions
		where mou_id = ${mouId} order by number desc limit 1`;
	return row ?? null;
}

export async function countRounds(sql: Queryable, mouId: string): Promise<number> {
	const [row] = await sql<{ count: number }[]>`
		select count(*)::int as count from mou_versions where mou_id = ${mouId} and kind = 'round'`;
	return row.count;
}

export async function insertVersion(
	tx: Tx,
	v: { mouId: string; kind: VersionKind; label: string; party: Party | null; createdBy: string | null; throughSeq: string; state: Uint8Array; sha256: string }
) {
	const [row] = await tx<{ id: string; number: number }[]>`
		insert into mou_versions (mou_id, number, kind, label, party, created_by, through_seq, state, sha256)
		values (${v.mouId}, (select coalesce(max(number), 0) + 1 from mou_versions where mou_id = ${v.mouId}),
			${v.kind}, ${v.label}, ${v.party}, ${v.createdBy}, ${v.throughSeq}::bigint, ${v.state}, ${v.sha256})
		returning id, number`;
	return row;
}

export async function listVersions(sql: Queryable, mouId: string) {
	return sql<VersionSummary[]>`
		select v.id, v.number, v.kind, v.label, v.party, v.created_at as "createdAt", u.name as "createdByName",
			v.through_seq::text as "throughSeq", v.sha256
		from mou_versions v left join users u on u.id = v.created_by
		where v.mou_id = ${mouId} order by v.number desc`;
}

export async function insertEvent(
	sql: Queryable,
	e: { mouId: string; userId: string | null; party: Party | null; kind: string; summary: string; detail?: Record<string, unknown> }
) {
	await sql`
		insert into mou_events (mou_id, user_id, party, kind, summary, detail)
		values (${e.mouId}, ${e.userId}, ${e.party}, ${e.kind}, ${e.summary}, ${sql.json((e.detail ?? {}) as JSONValue)})`;
}

/** The timeline, newest first, with who acted (name and organization). */
export async function listEvents(sql: Queryable, mouId: string, limit: number) {
	return sql<EventRow[]>`
		select e.id::text as id, e.at, e.kind, e.summary, e.party, u.name as "userName", o.name as "organizationName", e.detail
		from mou_events e
		left join users u on u.id = e.user_id
		left join memberships m on m.user_id = e.user_id
		left join organizations o on o.id = m.organization_id
		where e.mou_id = ${mouId}
		order by e.at desc, e.id desc
		limit ${limit}`;
}

export async function listApprovals(sql: Queryable, mouId: string) {
	return sql<ApprovalRow[]>`
		select a.party, a.user_id as "userId", u.name as "userName", a.through_seq::text as "throughSeq", a.approved_at as "approvedAt"
		from mou_approvals a join users u on u.id = a.user_id
		where a.mou_id = ${mouId} order by a.approved_at`;
}

/** False when the party has already approved (one approval per party). */
export async function insertApproval(tx: Tx, a: { mouId: string; party: Party; userId: string; throughSeq: string }) {
	const rows = await tx`
		insert into mou_approvals (mou_id, party, user_id, through_seq)
		values (${a.mouId}, ${a.party}, ${a.userId}, ${a.throughSeq}::bigint)
		on conflict (mou_id, party) do nothing returning party`;
	return rows.length > 0;
}

export async function deleteApproval(tx: Tx, mouId: string, party: Party) {
	const rows = await tx`delete from mou_approvals where mou_id = ${mouId} and party = ${party} returning party`;
	return rows.length > 0;
}

/** The organization taking part on a side, with the time zone its dates are written in. */
export async function partyOrganization(sql: Queryable, mouId: string, side: Party) {
	const [row] = await sql<{ id: string; name: string; timeZone: string }[]>`
		select o.id, o.name, o.time_zone as "timeZone"
		from mou_parties p join organizations o on o.id = p.organization_id
		where p.mou_id = ${mouId} and p.side = ${side}`;
	return row ?? null;
}

/** People of the MOU's parties with one of the roles, optionally of one side only. */
export async function recipients(sql: Queryable, mouId: string, roles: string[], side: Party | null): Promise<Recipient[]> {
	return sql<Recipient[]>`
		select u.email, u.name, m.organization_id as "organizationId"
		from mou_parties p
		join memberships m on m.organization_id = p.organization_id
		join users u on u.id = m.user_id
		where p.mou_id = ${mouId} and m.role = any(${roles}) and (${side}::text is null or p.side = ${side})
		order by p.side, u.name`;
}
