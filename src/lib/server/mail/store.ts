import type { Sql, Tx } from '$lib/server/db';

export interface OutboxMessage {
	id: string;
	toAddress: string;
	subject: string;
	textBody: string;
	htmlBody: string;
	status: 'queued' | 'sent' | 'kept' | 'failed';
	attempts: number;
	lastError: string | null;
	createdAt: Date;
}

const columns = (sql: Sql) => sql`
	id, to_address as "toAddress", subject, text_body as "textBody", html_body as "htmlBody",
	status, attempts, last_error as "lastError", created_at as "createdAt"`;

/** New mail belongs to its sender's first attempt: retries (any instance) may claim it only after a while. */
export async function insertMessage(
	sql: Sql,
	m: { to: string; subject: string; text: string; html: string; organizationId: string | null; proofFor?: string | null }
) {
	const [row] = await sql<{ id: string }[]>`
		insert into outbox (to_address, subject, text_body, html_body, organization_id, proof_for, retry_after)
		values (${m.to}, ${m.subject}, ${m.text}, ${m.html}, ${m.organizationId}, ${m.proofFor ?? null}, now() + interval '5 minutes')
		returning id`;
	return row.id;
}

/**
 * Several messages in one INSERT, on the caller's transaction: they exist exactly when what they
 * announce does. The ids come from the caller, so each message keeps its own.
 */
export async function insertMessages(
	sql: Sql | Tx,
	messages: Array<{ id: string; to: string; subject: string; text: string; html: string; organizationId: string | null; proofFor?: string | null }>
) {
	if (messages.length === 0) return;
	const column = <K extends keyof (typeof messages)[number]>(key: K) => messages.map((m) => m[key] ?? null);
	await sql`
		insert into outbox (id, to_address, subject, text_body, html_body, organization_id, proof_for, retry_after)
		select id, to_address, subject, text_body, html_body, organization_id, proof_for, now() + interval '5 minutes'
		from unnest(${column('id') as string[]}::uuid[], ${column('to') as string[]}::text[], ${column('subject') as string[]}::text[],
			${column('text') as string[]}::text[], ${column('html') as string[]}::text[], ${column('organizationId') as string[]}::uuid[],
			${column('proofFor') as string[]}::uuid[])
			as m(id, to_address, subject, text_body, html_body, organization_id, proof_for)`;
}

/** Without a mail server, messages stay in the app: one statement marks a batch kept. */
export async function markKept(sql: Sql, ids: string[]) {
	await sql`update outbox set status = 'kept', attempts = attempts + 1 where id = any(${ids}::uuid[])`;
}

export async function markMessage(sql: Sql, id: string, status: OutboxMessage['status'], error: string | null) {
	await sql`
		update outbox set status = ${status}, attempts = attempts + 1, last_error = ${error},
			sent_at = case when ${status} = 'sent' then now() else sent_at end,
			-- a first attempt that failed is retried at the next pass; later ones keep the claim's back-off
			retry_after = case when ${status} = 'failed' and attempts = 0 then now() else retry_after end
		where id = ${id}`;
}

/** Claims up to 50 messages due for another attempt; rows another instance holds are skipped. */
export async function claimRetryable(sql: Sql, maxAttempts: number) {
	return sql<OutboxMessage[]>`
		update outbox set retry_after = now() + interval '5 minutes'
		where id in (
			select id from outbox
			where status in ('queued', 'failed') and attempts < ${maxAttempts} and retry_after <= now()
			order by created_at limit 50
			for update skip locked)
		returning ${columns(sql)}`;
}

/** What an administrator sees of mail sent on their organization's behalf: where it went and whether it did; never its body. */
export interface Delivery {
	id: string;
	toAddress: string;
	subject: string;
	status: OutboxMessage['status'];
	lastError: string | null;
	createdAt: Date;
}

export async function listDeliveries(sql: Sql, organizationId: string, limit = 200) {
	return sql<Delivery[]>`
		select id, to_address as "toAddress", subject, status, last_error as "lastError", created_at as "createdAt"
		from outbox where organization_id = ${organizationId}
		order by created_at desc limit ${limit}`;
}

/**
 * Whose mail a person reads in the app. Mail to their address once they have proved it is theirs;
 * account links (proofs) only without a mail server, and only their own account's — with one, a
 * proof read in the app would prove nothing.
 */
export interface Reader {
	userId: string;
	email: string;
	emailVerified: boolean;
	/** A mail server delivers mail (SMTP_URL). */
	smtp: boolean;
}

const readable = (sql: Sql, r: Reader) => sql`
	((proof_for is null and ${r.emailVerified} and to_address = ${r.email})
		or (proof_for = ${r.userId} and not ${r.smtp}))`;

export async function listInbox(sql: Sql, reader: Reader, limit = 200) {
	return sql<Omit<OutboxMessage, 'textBody' | 'htmlBody'>[]>`
		select id, to_address as "toAddress", subject, status, attempts, last_error as "lastError", created_at as "createdAt"
		from outbox where ${readable(sql, reader)}
		order by created_at desc limit ${limit}`;
}

export async function findInboxMessage(sql: Sql, reader: Reader, id: string) {
	const rows = await sql<OutboxMessage[]>`select ${columns(sql)} from outbox where id = ${id} and ${readable(sql, reader)}`;
	return rows[0] ?? null;
}

/** The events a person has turned off (no row: they want mail about it). */
export async function listOptOuts(sql: Sql | Tx, userId: string) {
	const rows = await sql<{ event: string }[]>`select event from notification_opt_outs where user_id = ${userId}`;
	return rows.map((r) => r.event);
}

export async function replaceOptOuts(sql: Sql, userId: string, events: string[]) {
	await sql.begin(async (tx) => {
		await tx`delete from notification_opt_outs where user_id = ${userId}`;
		if (events.length) await tx`insert into notification_opt_outs ${tx(events.map((event) => ({ user_id: userId, event })))}`;
	});
}

/** Whether the account with this address turned the event off; addresses without an account never did. */
export async function optedOut(sql: Sql | Tx, email: string, event: string) {
	const rows = await sql`
		select 1 from notification_opt_outs o join users u on u.id = o.user_id
		where u.email = ${email.toLowerCase()} and o.event = ${event}`;
	return rows.length > 0;
}

/** Which of these addresses (lower-cased) belong to accounts that turned the event off. */
export async function optedOutAmong(sql: Sql | Tx, emails: string[], event: string) {
	const rows = await sql<{ email: string }[]>`
		select u.email from notification_opt_outs o join users u on u.id = o.user_id
		where u.email = any(${emails.map((e) => e.toLowerCase())}::text[]) and o.event = ${event}`;
	return rows.map((r) => r.email.toLowerCase());
}
