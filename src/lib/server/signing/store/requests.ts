import type { Tx } from '$lib/server/db';
import type { Party } from '$lib/mou/party';
import type { RequestStatus, Routing, SignerStatus } from '$lib/signing/types';
import { byId, type Columns, type Queryable } from './queryable';

// Signature requests, their signers and copy recipients.

const snakeCase = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** One insert for every table here: `values` maps fields (camelCase, as in the row types) to values; the row comes back read through `columns`. */
async function insertOne<T extends object>(tx: Tx, table: string, columns: Columns, values: Record<string, string | number | Date | null>) {
	const row = Object.fromEntries(Object.entries(values).map(([field, value]) => [snakeCase(field), value]));
	const [inserted] = await tx<T[]>`insert into ${tx(table)} ${tx(row)} returning ${columns}`;
	return inserted;
}

export interface RequestRow {
	id: string;
	mouId: string;
	versionId: string;
	fingerprint: string;
	status: RequestStatus;
	routing: Routing;
	expiresAt: Date;
	reminderDays: number;
	message: string;
	preparedBy: string;
	preparedParty: Party;
	createdAt: Date;
	endedAt: Date | null;
	endedBy: string | null;
	endReason: string | null;
}

const requestColumns = (sql: Queryable) => sql`
	id, mou_id as "mouId", version_id as "versionId", fingerprint, status, routing, expires_at as "expiresAt",
	reminder_days as "reminderDays", message, prepared_by as "preparedBy", prepared_party as "preparedParty",
	created_at as "createdAt", ended_at as "endedAt", ended_by as "endedBy", end_reason as "endReason"`;

export async function insertRequest(tx: Tx, r: Omit<RequestRow, 'id' | 'status' | 'endedAt' | 'endedBy' | 'endReason'>) {
	return insertOne<RequestRow>(tx, 'signing_requests', requestColumns(tx), r);
}

const requests = byId<RequestRow>('signing_requests', requestColumns);

export const findRequest = requests.find;

export const lockRequest = requests.lock;

export async function findOpenRequest(sql: Queryable, mouId: string) {
	const [row] = await sql<RequestRow[]>`select ${requestColumns(sql)} from signing_requests where mou_id = ${mouId} and status = 'out'`;
	return row ?? null;
}

export async function findCompletedRequest(sql: Queryable, mouId: string) {
	const [row] = await sql<RequestRow[]>`select ${requestColumns(sql)} from signing_requests where mou_id = ${mouId} and status = 'completed'`;
	return row ?? null;
}

export async function listRequests(sql: Queryable, mouId: string) {
	return sql<RequestRow[]>`select ${requestColumns(sql)} from signing_requests where mou_id = ${mouId} order by created_at desc`;
}

/** Ends an open request; false when it was no longer open (someone else ended it first). */
export async function endRequest(tx: Tx, requestId: string, status: Exclude<RequestStatus, 'out'>, at: Date, by: string | null, reason: string | null) {
	const rows = await tx`
		update signing_requests set status = ${status}, ended_at = ${at}, ended_by = ${by}, end_reason = ${reason}
		where id = ${requestId} and status = 'out' returning id`;
	return rows.length > 0;
}

/** Claims the requests past their expiry date; each is returned to exactly one caller. */
export async function claimExpiredRequests(tx: Tx, now: Date) {
	return tx<RequestRow[]>`
		update signing_requests set status = 'expired', ended_at = ${now}, end_reason = 'The expiry date passed before every signer signed.'
		where id in (select id from signing_requests where status = 'out' and expires_at <= ${now} for update skip locked)
		returning ${requestColumns(tx)}`;
}

export async function listOpenRequests(sql: Queryable) {
	return sql<RequestRow[]>`select ${requestColumns(sql)} from signing_requests where status = 'out'`;
}

// ——— Signers and recipients ———

export interface SignerRow {
	id: string;
	requestId: string;
	position: number;
	stage: number;
	party: Party;
	role: 'signer' | 'attester';
	capacity: string;
	name: string;
	title: string;
	email: string;
	accessCodeHash: string | null;
	accessFailures: number;
	accessLockedUntil: Date | null;
	status: SignerStatus;
	sentAt: Date | null;
	viewedAt: Date | null;
	consentedAt: Date | null;
	consentIp: string | null;
	consentUserAgent: string | null;
	authentication: string | null;
	signedAt: Date | null;
	signedIp: string | null;
	signedUserAgent: string | null;
	signedFingerprint: string | null;
	signatureKind: 'typed' | 'drawn' | null;
	signatureText: string | null;
	signatureImage: string | null;
	declinedAt: Date | null;
	declineReason: string | null;
}

const signerColumns = (sql: Queryable) => sql`
	id, request_id as "requestId", position, stage, party, role, capacity, name, title, email,
	access_code_hash as "accessCodeHash", access_failures as "accessFailures", access_locked_until as "accessLockedUntil",
	status, sent_at as "sentAt", viewed_at as "viewedAt", consented_at as "consentedAt", consent_ip as "consentIp",
	consent_user_agent as "consentUserAgent", authentication, signed_at as "signedAt", signed_ip as "signedIp",
	signed_user_agent as "signedUserAgent", signed_fingerprint as "signedFingerprint", signature_kind as "signatureKind",
	signature_text as "signatureText", signature_image as "signatureImage", declined_at as "declinedAt",
	decline_reason as "declineReason"`;

export async function insertSigner(
	tx: Tx,
	s: Pick<SignerRow, 'requestId' | 'position' | 'stage' | 'party' | 'role' | 'capacity' | 'name' | 'title' | 'email' | 'accessCodeHash'>
) {
	return insertOne<SignerRow>(tx, 'signing_signers', signerColumns(tx), s);
}

export async function listSigners(sql: Queryable, requestId: string) {
	return sql<SignerRow[]>`select ${signerColumns(sql)} from signing_signers where request_id = ${requestId} order by position`;
}

export const lockSigner = byId<SignerRow>('signing_signers', signerColumns).lock;

export async function markSignerSent(tx: Tx, signerId: string, at: Date) {
	await tx`update signing_signers set status = 'sent', sent_at = ${at} where id = ${signerId} and status = 'waiting'`;
}

/** First view only: true when this call recorded it. */
export async function markViewed(sql: Queryable, signerId: string, at: Date) {
	const rows = await sql`update signing_signers set viewed_at = ${at} where id = ${signerId} and viewed_at is null returning id`;
	return rows.length > 0;
}

export async function markConsented(tx: Tx, signerId: string, at: Date, ip: string, userAgent: string) {
	const rows = await tx`
		update signing_signers set consented_at = ${at}, consent_ip = ${ip}, consent_user_agent = ${userAgent.slice(0, 500)}
		where id = ${signerId} and consented_at is null returning id`;
	return rows.length > 0;
}

export async function markSigned(
	tx: Tx,
	signerId: string,
	s: { at: Date; ip: string; userAgent: string; fingerprint: string; authentication: string; kind: 'typed' | 'drawn'; text: string | null; image: string }
) {
	const rows = await tx`
		update signing_signers set status = 'signed', signed_at = ${s.at}, signed_ip = ${s.ip}, signed_user_agent = ${s.userAgent.slice(0, 500)},
			signed_fingerprint = ${s.fingerprint}, authentication = ${s.authentication}, signature_kind = ${s.kind},
			signature_text = ${s.text}, signature_image = ${s.image}
		where id = ${signerId} and status = 'sent' returning id`;
	return rows.length > 0;
}

export async function markDeclined(tx: Tx, signerId: string, at: Date, reason: string) {
	const rows = await tx`
		update signing_signers set status = 'declined', declined_at = ${at}, decline_reason = ${reason}
		where id = ${signerId} and status = 'sent' returning id`;
	return rows.length > 0;
}

export async function recordAccessFailure(tx: Tx, signerId: string, lockAfter: number, lockedUntil: Date) {
	const [row] = await tx<{ failures: number }[]>`
		update signing_signers set access_failures = access_failures + 1,
			access_locked_until = case when access_failures + 1 >= ${lockAfter} then ${lockedUntil} else access_locked_until end
		where id = ${signerId} returning access_failures as failures`;
	return row.failures;
}

export async function resetAccessFailures(tx: Tx, signerId: string) {
	await tx`update signing_signers set access_failures = 0, access_locked_until = null where id = ${signerId}`;
}

export async function insertRecipient(tx: Tx, requestId: string, name: string, email: string) {
	const [row] = await tx<{ id: string }[]>`
		insert into signing_recipients (request_id, name, email) values (${requestId}, ${name}, ${email}) returning id`;
	return row.id;
}

export async function listRecipients(sql: Queryable, requestId: string) {
	return sql<{ id: string; name: string; email: string }[]>`
		select id, name, email from signing_recipients where request_id = ${requestId} order by name, email`;
}
