import type { Tx } from '$lib/server/db';
import type { Queryable } from './queryable';

// Signing links, one-time codes and signing ceremonies.

export interface LinkRow {
	id: string;
	requestId: string;
	signerId: string | null;
	recipientId: string | null;
	purpose: 'sign' | 'certificate';
	expiresAt: Date;
}

export async function insertLink(
	tx: Queryable,
	l: {
		requestId: string;
		signerId: string | null;
		recipientId: string | null;
		purpose: 'sign' | 'certificate';
		tokenHash: string;
		createdAt: Date;
		expiresAt: Date;
	}
) {
	await tx`
		insert into signing_links (request_id, signer_id, recipient_id, purpose, token_hash, created_at, expires_at)
		values (${l.requestId}, ${l.signerId}, ${l.recipientId}, ${l.purpose}, ${l.tokenHash}, ${l.createdAt}, ${l.expiresAt})`;
}

/** A signer's link to sign, valid until the request expires. */
export async function insertSignLink(tx: Queryable, request: { id: string; expiresAt: Date }, signerId: string, tokenHash: string, createdAt: Date) {
	await insertLink(tx, { requestId: request.id, signerId, recipientId: null, purpose: 'sign', tokenHash, createdAt, expiresAt: request.expiresAt });
}

export async function findLink(sql: Queryable, tokenHash: string) {
	const [row] = await sql<LinkRow[]>`
		select id, request_id as "requestId", signer_id as "signerId", recipient_id as "recipientId", purpose, expires_at as "expiresAt"
		from signing_links where token_hash = ${tokenHash}`;
	return row ?? null;
}

export interface CodeRow {
	id: string;
	createdAt: Date;
	expiresAt: Date;
	failures: number;
	usedAt: Date | null;
}

export async function insertCode(tx: Tx, signerId: string, codeHash: string, createdAt: Date, expiresAt: Date) {
	const [row] = await tx<{ id: string }[]>`
		insert into signing_codes (signer_id, code_hash, created_at, expires_at) values (${signerId}, ${codeHash}, ${createdAt}, ${expiresAt}) returning id`;
	return row.id;
}

export async function recentCodes(sql: Queryable, signerId: string, since: Date) {
	return sql<CodeRow[]>`
		select id, created_at as "createdAt", expires_at as "expiresAt", failures, used_at as "usedAt"
		from signing_codes where signer_id = ${signerId} and created_at > ${since} order by created_at desc`;
}

export async function lockLatestCode(tx: Tx, signerId: string) {
	const [row] = await tx<(CodeRow & { codeHash: string })[]>`
		select id, code_hash as "codeHash", created_at as "createdAt", expires_at as "expiresAt", failures, used_at as "usedAt"
		from signing_codes where signer_id = ${signerId} order by created_at desc limit 1 for update`;
	return row ?? null;
}

export async function recordCodeFailure(tx: Tx, codeId: string) {
	const [row] = await tx<{ failures: number }[]>`update signing_codes set failures = failures + 1 where id = ${codeId} returning failures`;
	return row.failures;
}

export async function markCodeUsed(tx: Tx, codeId: string, at: Date) {
	await tx`update signing_codes set used_at = ${at} where id = ${codeId}`;
}

export interface CeremonyRow {
	id: string;
	signerId: string;
	method: 'email_code' | 'account';
	accessOk: boolean;
	expiresAt: Date;
}

export async function insertCeremony(
	tx: Tx,
	c: { signerId: string; tokenHash: string; method: 'email_code' | 'account'; accessOk: boolean; createdAt: Date; expiresAt: Date }
) {
	await tx`
		insert into signing_ceremonies (signer_id, token_hash, method, access_ok, created_at, expires_at)
		values (${c.signerId}, ${c.tokenHash}, ${c.method}, ${c.accessOk}, ${c.createdAt}, ${c.expiresAt})`;
}

export async function findCeremony(sql: Queryable, tokenHash: string) {
	const [row] = await sql<CeremonyRow[]>`
		select id, signer_id as "signerId", method, access_ok as "accessOk", expires_at as "expiresAt"
		from signing_ceremonies where token_hash = ${tokenHash}`;
	return row ?? null;
}

export async function markCeremonyAccessOk(tx: Tx, ceremonyId: string) {
	await tx`update signing_ceremonies set access_ok = true where id = ${ceremonyId}`;
}
