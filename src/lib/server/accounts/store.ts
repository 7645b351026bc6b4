import type { Sql, Tx } from '$lib/server/db';

/** All SQL of the accounts module: account links and the account fields they change. */

export type Purpose = 'verify_email' | 'reset_password';

export interface TokenRow {
	id: string;
	userId: string;
	purpose: Purpose;
	email: string;
	expiresAt: Date;
	usedAt: Date | null;
}

export interface AccountRow {
	id: string;
	name: string;
	email: string;
	emailVerified: boolean;
	passwordHash: string;
}

type Queryable = Sql | Tx;

export async function insertToken(sql: Queryable, t: { userId: string; purpose: Purpose; email: string; tokenHash: string; expiresAt: Date }) {
	await sql`
		insert into account_tokens (user_id, purpose, email, token_hash, expires_at)
		values (${t.userId}, ${t.purpose}, ${t.email}, ${t.tokenHash}, ${t.expiresAt})`;
}

export async function findToken(sql: Queryable, tokenHash: string) {
	const rows = await sql<TokenRow[]>`
		select id, user_id as "userId", purpose, email, expires_at as "expiresAt", used_at as "usedAt"
		from account_tokens where token_hash = ${tokenHash}`;
	return rows[0] ?? null;
}

/** Uses a link once: false when it was used (or expired) meanwhile. */
export async function claimToken(tx: Tx, id: string, now: Date) {
	const rows = await tx`update account_tokens set used_at = ${now} where id = ${id} and used_at is null and expires_at > ${now} returning id`;
	return rows.length === 1;
}

/** Every other open link of that kind stops working (a reset, a newer email change). */
export async function retireTokens(sql: Queryable, userId: string, purpose: Purpose, now: Date) {
	await sql`update account_tokens set used_at = ${now} where user_id = ${userId} and purpose = ${purpose} and used_at is null`;
}

const accountColumns = (sql: Queryable) => sql`
	id, name, email, email_verified_at is not null as "emailVerified", password_hash as "passwordHash"`;

export async function findAccount(sql: Queryable, id: string) {
	const rows = await sql<AccountRow[]>`select ${accountColumns(sql)} from users where id = ${id}`;
	return rows[0] ?? null;
}

/** Only accounts that still belong to an organization: a removed member gets no reset link. */
export async function findMemberAccountByEmail(sql: Queryable, email: string) {
	const rows = await sql<AccountRow[]>`
		select ${accountColumns(sql)} from users
		where email = ${email} and exists (select 1 from memberships m where m.user_id = users.id)`;
	return rows[0] ?? null;
}

export async function emailTaken(sql: Queryable, email: string) {
	return (await sql`select 1 from users where email = ${email}`).length > 0;
}

/** The address is proven: it becomes the account's (an email change) and counts as verified. */
export async function setVerifiedEmail(tx: Tx, userId: string, email: string, now: Date) {
	await tx`update users set email = ${email}, email_verified_at = ${now} where id = ${userId}`;
}

export async function setPasswordHash(tx: Tx, userId: string, passwordHash: string) {
	await tx`update users set password_hash = ${passwordHash} where id = ${userId}`;
}

export async function deleteSessions(tx: Tx, userId: string) {
	await tx`delete from sessions where user_id = ${userId}`;
}
