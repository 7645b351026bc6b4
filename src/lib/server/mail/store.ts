import type { Sql } from '$lib/server/db';

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
	m: { to: string; subject: string; text: string; html: string; organizationId: string | null }
) {
	const [row] = await sql<{ id: string }[]>`
		insert into outbox (to_address, subject, text_body, html_body, organization_id, retry_after)
		values (${m.to}, ${m.subject}, ${m.text}, ${m.html}, ${m.organizationId}, now() + interval '5 minutes')
		returning id`;
	return row.id;
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

/** What an administrator may read: mail to their members or sent on their organization's behalf. */
export async function listForOrganization(sql: Sql, organizationId: string, limit = 100) {
	return sql<OutboxMessage[]>`
		select ${columns(sql)} from outbox
		where organization_id = ${organizationId}
			or to_address in (select u.email from users u join memberships m on m.user_id = u.id
				where m.organization_id = ${organizationId})
		order by created_at desc limit ${limit}`;
}

export async function findForOrganization(sql: Sql, organizationId: string, id: string) {
	const rows = await sql<OutboxMessage[]>`
		select ${columns(sql)} from outbox
		where id = ${id} and (organization_id = ${organizationId}
			or to_address in (select u.email from users u join memberships m on m.user_id = u.id
				where m.organization_id = ${organizationId}))`;
	return rows[0] ?? null;
}
