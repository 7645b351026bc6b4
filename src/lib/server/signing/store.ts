import type { JSONValue } from 'postgres';
import type { Sql, Tx } from '$lib/server/db';
import type { Party } from '$lib/mou/party';
import type { MouStatus, Role } from '$lib/mou/lifecycle';
import { transitionStatus } from '$lib/server/mous';
import type { RequestStatus, Routing, SignerStatus } from '$lib/signing/types';
import type { AuditRow } from './audit';

/** All SQL of the signing module. */

type Queryable = Sql | Tx;

// ——— MOUs, versions, people ———

/** Wrong one-time codes entered for a signer, across every code sent to them. */
export async function totalCodeFailures(sql: Queryable, signerId: string): Promise<number> {
	const [row] = await sql<{ total: number }[]>`
		select coalesce(sum(failures), 0)::int as total from signing_codes where signer_id = ${signerId}`;
	return row.total;
}

/** The lower-cased emails of the members of one party's organization. */
export async function partyMemberEmails(sql: Queryable, mouId: string, party: Party): Promise<Set<string>> {
	const rows = await sql<{ email: string }[]>`
		select lower(u.email) as email from mou_parties p
		join memberships m on m.organization_id = p.organization_id
		join users u on u.id = m.user_id
		where p.mou_id = ${mouId} and p.side = ${party}`;
	return new Set(rows.map((row) => row.email));
}

/** Signers with this address whose turn it is, in an open request, for the party the account belongs to. */
export async function pendingSignaturesOf(sql: Queryable, userId: string, email: string, now: Date) {
	return sql<{ signerId: string; requestId: string; mouId: string; mouTitle: string; title: string; expiresAt: Date }[]>`
		select s.id as "signerId", r.id as "requestId", r.mou_id as "mouId", mo.title as "mouTitle", s.title, r.expires_at as "expiresAt"
		from signing_signers s
		join signing_requests r on r.id = s.request_id
		join mous mo on mo.id = r.mou_id
		join mou_parties p on p.mou_id = r.mou_id and p.side = s.party
		join memberships m on m.organization_id = p.organization_id and m.user_id = ${userId}
		where s.email = ${email} and s.status = 'sent' and r.status = 'out' and r.expires_at > ${now}
		order by r.expires_at`;
}

/** Of these addresses, those of accounts whose owner has not confirmed the address yet. */
export async function unconfirmedAccountEmails(sql: Queryable, emails: string[]): Promise<Set<string>> {
	const rows = await sql<{ email: string }[]>`
		select email from users where email = any(${emails.map((e) => e.toLowerCase())}) and email_verified_at is null`;
	return new Set(rows.map((row) => row.email));
}

/** Whether the user belongs to the organization that is `party` to the MOU. */
export async function isPartyMember(sql: Queryable, mouId: string, party: Party, userId: string): Promise<boolean> {
	const [row] = await sql<{ found: boolean }[]>`
		select exists (
			select 1 from mou_parties p join memberships m on m.organization_id = p.organization_id
			where p.mou_id = ${mouId} and p.side = ${party} and m.user_id = ${userId}) as found`;
	return row.found;
}

export interface MouRow {
	id: string;
	title: string;
	status: MouStatus;
	templateId: string;
	templateVersion: string;
	stateCode: string;
	stateProfileVersion: string;
	signedAt: Date | null;
	effectiveDate: string | null;
	reviewDueOn: string | null;
	reviewIntervalMonths: number;
}

const mouColumns = (sql: Queryable) => sql`
	id, title, status, template_id as "templateId", template_version as "templateVersion",
	state_code as "stateCode", state_profile_version as "stateProfileVersion", signed_at as "signedAt",
	to_char(effective_date, 'YYYY-MM-DD') as "effectiveDate", to_char(review_due_on, 'YYYY-MM-DD') as "reviewDueOn",
	review_interval_months as "reviewIntervalMonths"`;

export async function findMou(sql: Queryable, mouId: string) {
	const [row] = await sql<MouRow[]>`select ${mouColumns(sql)} from mous where id = ${mouId}`;
	return row ?? null;
}

/** Locks the MOU row for the rest of the transaction (status changes are ordered). */
export async function lockMou(tx: Tx, mouId: string) {
	const [row] = await tx<MouRow[]>`select ${mouColumns(tx)} from mous where id = ${mouId} for update`;
	return row ?? null;
}

/** The one transition to signed: guarded on status, so it can happen only once. */
export async function markMouSigned(
	tx: Tx,
	mouId: string,
	fields: { signedAt: Date; effectiveDate: string; reviewIntervalMonths: number; reviewDueOn: string }
) {
	if (!(await transitionStatus(tx, mouId, 'signing', 'signed'))) return false;
	await tx`
		update mous set signed_at = ${fields.signedAt}, effective_date = ${fields.effectiveDate}::date,
			review_interval_months = ${fields.reviewIntervalMonths}, review_due_on = ${fields.reviewDueOn}::date
		where id = ${mouId}`;
	return true;
}

export interface AgreedVersion {
	id: string;
	number: number;
	label: string;
	sha256: string;
	state: Uint8Array;
	createdAt: Date;
}

export async function findAgreedVersion(sql: Queryable, mouId: string) {
	const [row] = await sql<AgreedVersion[]>`
		select id, number, label, sha256, state, created_at as "createdAt" from mou_versions
		where mou_id = ${mouId} and kind = 'agreed' order by number desc limit 1`;
	return row ?? null;
}

export async function findVersion(sql: Queryable, versionId: string) {
	const [row] = await sql<AgreedVersion[]>`
		select id, number, label, sha256, state, created_at as "createdAt" from mou_versions where id = ${versionId}`;
	return row ?? null;
}

export interface PartyRow {
	side: Party;
	organizationId: string;
	name: string;
	timeZone: string;
}

export async function listParties(sql: Queryable, mouId: string) {
	return sql<PartyRow[]>`
		select p.side, o.id as "organizationId", o.name, o.time_zone as "timeZone"
		from mou_parties p join organizations o on o.id = p.organization_id
		where p.mou_id = ${mouId} order by p.side`;
}

export interface MemberRow {
	userId: string;
	name: string;
	email: string;
	title: string | null;
	role: Role;
	side: Party;
	organizationId: string;
}

/** People of the parties' organizations with one of the roles. */
export async function listPartyMembers(sql: Queryable, mouId: string, roles: string[]) {
	return sql<MemberRow[]>`
		select u.id as "userId", u.name, u.email, m.title, m.role, p.side, m.organization_id as "organizationId"
		from mou_parties p
		join memberships m on m.organization_id = p.organization_id
		join users u on u.id = m.user_id
		where p.mou_id = ${mouId} and m.role in ${sql(roles)}
		order by p.side, u.name`;
}

export async function findUserName(sql: Queryable, userId: string) {
	const [row] = await sql<{ name: string; email: string; organizationName: string }[]>`
		select u.name, u.email, o.name as "organizationName" from users u
		join memberships m on m.user_id = u.id join organizations o on o.id = m.organization_id
		where u.id = ${userId}`;
	return row ?? null;
}

// ——— Requests ———

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

export async function insertRequest(
	tx: Tx,
	r: { mouId: string; versionId: string; fingerprint: string; routing: Routing; expiresAt: Date; reminderDays: number; message: string; preparedBy: string; preparedParty: Party; createdAt: Date }
) {
	const [row] = await tx<RequestRow[]>`
		insert into signing_requests (mou_id, version_id, fingerprint, routing, expires_at, reminder_days, message, prepared_by, prepared_party, created_at)
		values (${r.mouId}, ${r.versionId}, ${r.fingerprint}, ${r.routing}, ${r.expiresAt}, ${r.reminderDays}, ${r.message}, ${r.preparedBy}, ${r.preparedParty}, ${r.createdAt})
		returning ${requestColumns(tx)}`;
	return row;
}

export async function findRequest(sql: Queryable, requestId: string) {
	const [row] = await sql<RequestRow[]>`select ${requestColumns(sql)} from signing_requests where id = ${requestId}`;
	return row ?? null;
}

export async function lockRequest(tx: Tx, requestId: string) {
	const [row] = await tx<RequestRow[]>`select ${requestColumns(tx)} from signing_requests where id = ${requestId} for update`;
	return row ?? null;
}

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
	s: { requestId: string; position: number; stage: number; party: Party; role: 'signer' | 'attester'; capacity: string; name: string; title: string; email: string; accessCodeHash: string | null }
) {
	const [row] = await tx<SignerRow[]>`
		insert into signing_signers (request_id, position, stage, party, role, capacity, name, title, email, access_code_hash)
		values (${s.requestId}, ${s.position}, ${s.stage}, ${s.party}, ${s.role}, ${s.capacity}, ${s.name}, ${s.title}, ${s.email}, ${s.accessCodeHash})
		returning ${signerColumns(tx)}`;
	return row;
}

export async function listSigners(sql: Queryable, requestId: string) {
	return sql<SignerRow[]>`select ${signerColumns(sql)} from signing_signers where request_id = ${requestId} order by position`;
}

export async function lockSigner(tx: Tx, signerId: string) {
	const [row] = await tx<SignerRow[]>`select ${signerColumns(tx)} from signing_signers where id = ${signerId} for update`;
	return row ?? null;
}

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

// ——— Links, codes, ceremonies ———

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
	l: { requestId: string; signerId: string | null; recipientId: string | null; purpose: 'sign' | 'certificate'; tokenHash: string; createdAt: Date; expiresAt: Date }
) {
	await tx`
		insert into signing_links (request_id, signer_id, recipient_id, purpose, token_hash, created_at, expires_at)
		values (${l.requestId}, ${l.signerId}, ${l.recipientId}, ${l.purpose}, ${l.tokenHash}, ${l.createdAt}, ${l.expiresAt})`;
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

export async function insertCeremony(tx: Tx, c: { signerId: string; tokenHash: string; method: 'email_code' | 'account'; accessOk: boolean; createdAt: Date; expiresAt: Date }) {
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

// ——— Messages ———

export interface MessageRow {
	id: string;
	requestId: string;
	signerId: string | null;
	kind: string;
	toAddress: string;
	organizationId: string | null;
	subject: string;
	textBody: string;
	htmlBody: string;
	attachSignedDocx: boolean;
}

const messageColumns = (sql: Queryable) => sql`
	id, request_id as "requestId", signer_id as "signerId", kind, to_address as "toAddress", organization_id as "organizationId",
	subject, text_body as "textBody", html_body as "htmlBody", attach_signed_docx as "attachSignedDocx"`;

/** Queues a message once per dedupe key; false when that key was already queued (by anyone). */
export async function queueMessage(
	tx: Queryable,
	m: { requestId: string; signerId: string | null; kind: string; dedupeKey: string; to: string; organizationId: string | null; subject: string; text: string; html: string; attachSignedDocx?: boolean; createdAt: Date }
) {
	const rows = await tx`
		insert into signing_messages (request_id, signer_id, kind, dedupe_key, to_address, organization_id, subject, text_body, html_body, attach_signed_docx, created_at)
		values (${m.requestId}, ${m.signerId}, ${m.kind}, ${m.dedupeKey}, ${m.to},
			-- on whose behalf: the given organization, else the one whose counsel prepared the request
			coalesce(${m.organizationId}::uuid, (select p.organization_id from signing_requests r
				join mou_parties p on p.mou_id = r.mou_id and p.side = r.prepared_party where r.id = ${m.requestId})),
			${m.subject}, ${m.text}, ${m.html}, ${m.attachSignedDocx ?? false}, ${m.createdAt})
		on conflict (dedupe_key) do nothing returning id`;
	return rows.length > 0;
}

export async function dedupeKeyTaken(sql: Queryable, dedupeKey: string) {
	const rows = await sql`select 1 from signing_messages where dedupe_key = ${dedupeKey}`;
	return rows.length > 0;
}

/**
 * Claims queued messages for sending: unclaimed ones, and ones claimed long ago whose sender
 * never handed them to the mailer (it stopped). Rows another instance holds are skipped.
 */
export async function claimMessages(sql: Sql, requestId: string | null, now: Date, staleBefore: Date) {
	return sql<MessageRow[]>`
		update signing_messages set claimed_at = ${now}
		where id in (
			select id from signing_messages
			where (claimed_at is null or (outbox_id is null and claimed_at < ${staleBefore}))
				and (${requestId}::uuid is null or request_id = ${requestId}::uuid)
			order by created_at limit 200
			for update skip locked)
		returning ${messageColumns(sql)}`;
}

export async function setMessageOutbox(sql: Queryable, messageId: string, outboxId: string) {
	await sql`update signing_messages set outbox_id = ${outboxId} where id = ${messageId}`;
}

export async function outboxStatus(sql: Queryable, outboxId: string) {
	const [row] = await sql<{ status: string; lastError: string | null }[]>`
		select status, last_error as "lastError" from outbox where id = ${outboxId}`;
	return row ?? null;
}

/** Marks a message delivered once; true for the caller that did. */
export async function markMessageDelivered(sql: Queryable, messageId: string, at: Date) {
	const rows = await sql`update signing_messages set delivered_at = ${at} where id = ${messageId} and delivered_at is null returning id`;
	return rows.length > 0;
}

/** Messages handed to the mailer, not yet recorded as delivered, that the mailer has since sent. */
export async function listLateDeliveries(sql: Queryable) {
	return sql<(MessageRow & { mouId: string })[]>`
		select ${messageColumns(sql)}, (select r.mou_id from signing_requests r where r.id = signing_messages.request_id) as "mouId"
		from signing_messages
		where delivered_at is null and outbox_id is not null
			and exists (select 1 from outbox o where o.id = signing_messages.outbox_id and o.status in ('sent', 'kept'))
		limit 500`;
}

export interface MessageStatusRow {
	signerId: string | null;
	kind: string;
	toAddress: string;
	createdAt: Date;
	deliveredAt: Date | null;
	outboxStatus: string | null;
	lastError: string | null;
}

export async function listMessageStatus(sql: Queryable, requestId: string) {
	return sql<MessageStatusRow[]>`
		select s.signer_id as "signerId", s.kind, s.to_address as "toAddress", s.created_at as "createdAt",
			s.delivered_at as "deliveredAt", o.status as "outboxStatus", o.last_error as "lastError"
		from signing_messages s left join outbox o on o.id = s.outbox_id
		where s.request_id = ${requestId} order by s.created_at`;
}

export async function lastMessageAt(sql: Queryable, signerId: string, kinds: string[]) {
	const [row] = await sql<{ at: Date | null }[]>`
		select max(created_at) as at from signing_messages where signer_id = ${signerId} and kind in ${sql(kinds)}`;
	return row.at;
}

/** The signed DOCX's hash, once issued (the export feature stores the file). */
export async function findSignedFile(sql: Queryable, mouId: string) {
	const [row] = await sql<{ sha256: string; issuedAt: Date }[]>`select sha256, created_at as "issuedAt" from signed_documents where mou_id = ${mouId}`;
	return row ?? null;
}

// ——— Audit trail ———

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
