import type { Sql } from '$lib/server/db';
import type { Queryable } from './queryable';

// The signing emails queued, claimed and delivered.

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
	m: {
		requestId: string;
		signerId: string | null;
		kind: string;
		dedupeKey: string;
		to: string;
		organizationId: string | null;
		subject: string;
		text: string;
		html: string;
		attachSignedDocx?: boolean;
		createdAt: Date;
	}
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
