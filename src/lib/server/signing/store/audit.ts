import type { JSONValue, Tx } from '$lib/server/db';
import type { AuditRow } from '../audit';
import type { Queryable } from './queryable';

// The hash-chained audit trail.

export async function lockAuditHead(tx: Tx, mouId: string, genesis: string) {
	await tx`insert into signing_audit_heads (mou_id, seq, hash) values (${mouId}, 0, ${genesis}) on conflict (mou_id) do nothing`;
	const [head] = await tx<{ seq: number; hash: string }[]>`select seq, hash from signing_audit_heads where mou_id = ${mouId} for update`;
	return head;
}

export async function findAuditHead(sql: Queryable, mouId: string) {
	const [head] = await sql<{ seq: number; hash: string }[]>`select seq, hash from signing_audit_heads where mou_id = ${mouId}`;
	return head ?? null;
}

export async function insertAuditRow(tx: Tx, row: AuditRow) {
	await tx`
		insert into signing_audit (mou_id, seq, request_id, at, kind, actor, actor_email, party, signer_id, ip_address, user_agent, detail, prev_hash, hash)
		values (${row.mouId}, ${row.seq}, ${row.requestId}, ${row.at}, ${row.kind}, ${row.actor}, ${row.actorEmail}, ${row.party},
			${row.signerId}, ${row.ipAddress}, ${row.userAgent}, ${tx.json(row.detail as JSONValue)}, ${row.prevHash}, ${row.hash})`;
	await tx`update signing_audit_heads set seq = ${row.seq}, hash = ${row.hash} where mou_id = ${row.mouId}`;
}

const auditColumns = (sql: Queryable) => sql`
	mou_id as "mouId", seq, request_id as "requestId", at, kind, actor, actor_email as "actorEmail", party,
	signer_id as "signerId", ip_address as "ipAddress", user_agent as "userAgent", detail, prev_hash as "prevHash", hash`;

export async function listAuditRows(sql: Queryable, mouId: string) {
	return sql<AuditRow[]>`select ${auditColumns(sql)} from signing_audit where mou_id = ${mouId} order by seq`;
}

export async function listAuditRowsForRequest(sql: Queryable, requestId: string) {
	return sql<AuditRow[]>`select ${auditColumns(sql)} from signing_audit where request_id = ${requestId} order by seq`;
}
