import type { Sql } from '$lib/server/db';
import type { Party } from '$lib/mou/party';
import type { Role } from '$lib/mou/lifecycle';

/** All SQL of the auth module. */

export interface SessionUser {
	id: string;
	email: string;
	name: string;
	organizationId: string;
	organizationName: string;
	organizationKind: Party;
	role: Role;
	title: string | null;
	isAdmin: boolean;
	/** The organization's time zone: where the person's dates are read when no MOU says otherwise. */
	timeZone?: string;
	/** They proved the address is theirs (the link mailed to it); until then it is only a claim. */
	emailVerified: boolean;
}

const userColumns = (sql: Sql) => sql`
	u.id, u.email, u.name, m.organization_id as "organizationId", o.name as "organizationName",
	o.kind as "organizationKind", m.role, m.title, m.is_admin as "isAdmin", o.time_zone as "timeZone",
	u.email_verified_at is not null as "emailVerified"`;

export async function insertSession(sql: Sql, id: string, userId: string, expiresAt: Date) {
	await sql`insert into sessions (id, user_id, expires_at) values (${id}, ${userId}, ${expiresAt})`;
}

export async function findSession(sql: Sql, id: string) {
	const rows = await sql<(SessionUser & { expiresAt: Date })[]>`
		select ${userColumns(sql)}, s.expires_at as "expiresAt"
		from sessions s
		join users u on u.id = s.user_id
		join memberships m on m.user_id = u.id
		join organizations o on o.id = m.organization_id
		where s.id = ${id}`;
	return rows[0] ?? null;
}

export async function extendSession(sql: Sql, id: string, expiresAt: Date) {
	await sql`update sessions set expires_at = ${expiresAt} where id = ${id}`;
}

export async function deleteSession(sql: Sql, id: string) {
	await sql`delete from sessions where id = ${id}`;
}

export async function deleteUserSessions(sql: Sql, userId: string) {
	await sql`delete from sessions where user_id = ${userId}`;
}

/** `member`: false once their organization removed them (the account stays, for the records it signed). */
export async function findCredentials(sql: Sql, email: string) {
	const rows = await sql<{ id: string; passwordHash: string; member: boolean }[]>`
		select id, password_hash as "passwordHash", exists (select 1 from memberships m where m.user_id = users.id) as member
		from users where email = ${email}`;
	return rows[0] ?? null;
}

export async function updatePasswordHash(sql: Sql, userId: string, passwordHash: string) {
	await sql`update users set password_hash = ${passwordHash} where id = ${userId}`;
}

export async function recordSignInFailure(sql: Sql, email: string, address: string) {
	await sql`insert into sign_in_failures (email, address) values (${email}, ${address})`;
}

export async function countRecentFailures(sql: Sql, email: string, address: string, since: Date) {
	const [row] = await sql<{ byEmail: number; byAddress: number }[]>`
		select
			(select count(*)::int from sign_in_failures where email = ${email} and failed_at > ${since}) as "byEmail",
			(select count(*)::int from sign_in_failures where address = ${address} and failed_at > ${since}) as "byAddress"`;
	return row;
}

export async function clearFailures(sql: Sql, email: string) {
	await sql`delete from sign_in_failures where email = ${email}`;
}
