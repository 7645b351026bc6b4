/** All SQL of the compare view: named versions, and who stands behind the document's client ids. */
import type { Sql } from '$lib/server/db';
import type { Party } from '$lib/mou/party';
import type { VersionOption } from '$lib/compare/types';

/** The MOU's versions in order, without their (large) states. */
export async function listVersions(sql: Sql, mouId: string): Promise<VersionOption[]> {
	const rows = await sql<(Omit<VersionOption, 'createdAt'> & { createdAt: Date })[]>`
		select id, number, kind, label, party, created_at as "createdAt", through_seq::text as "throughSeq"
		from mou_versions where mou_id = ${mouId} order by number`;
	return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
}

export async function versionState(sql: Sql, mouId: string, versionId: string): Promise<Uint8Array | null> {
	const [row] = await sql<{ state: Uint8Array }[]>`
		select state from mou_versions where mou_id = ${mouId} and id = ${versionId}`;
	return row?.state ?? null;
}

/** Client ids the server bound to a person (the server's own, user_id null, are left out). */
export async function boundClients(sql: Sql, mouId: string) {
	return sql<{ clientId: string; party: Party; name: string }[]>`
		select c.client_id::text as "clientId", c.party, u.name
		from mou_clients c join users u on u.id = c.user_id
		where c.mou_id = ${mouId} and c.party is not null`;
}

/** Insertions taken out by a decision: who rejected or withdrew each. */
export async function undoneInsertions(sql: Sql, mouId: string) {
	return sql<{ suggestionId: string; party: Party; name: string }[]>`
		select d.suggestion_id as "suggestionId", d.decided_party as party, u.name
		from mou_decisions d join users u on u.id = d.decided_by
		where d.mou_id = ${mouId} and d.kind = 'insertion' and d.decision in ('reject', 'withdraw')
		order by d.decided_at`;
}
