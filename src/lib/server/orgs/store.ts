import type { Sql, Tx } from '$lib/server/db';
import type { Party } from '$lib/mou/party';
import type { Role } from '$lib/mou/lifecycle';

/** All SQL of the organizations module. */

export type { Role };

export interface Member {
	userId: string;
	name: string;
	email: string;
	role: Role;
	title: string | null;
	isAdmin: boolean;
}

export interface Invitation {
	id: string;
	organizationId: string;
	organizationName: string;
	organizationKind: Party;
	email: string;
	role: Role;
	isAdmin: boolean;
	expiresAt: Date;
	acceptedAt: Date | null;
}

export async function emailTaken(sql: Sql | Tx, email: string) {
	const rows = await sql`select 1 from users where email = ${email}`;
	return rows.length > 0;
}

export async function insertOrganization(tx: Tx, name: string, kind: Party, timeZone: string) {
	const [row] = await tx<{ id: string }[]>`
		insert into organizations (name, kind, time_zone) values (${name}, ${kind}, ${timeZone}) returning id`;
	return row.id;
}

/** `verifiedAt`: when the address was proven (following an invitation mailed to it proves it). */
export async function insertUser(tx: Tx, email: string, name: string, passwordHash: string, verifiedAt: Date | null = null) {
	const [row] = await tx<{ id: string }[]>`
		insert into users (email, name, password_hash, email_verified_at) values (${email}, ${name}, ${passwordHash}, ${verifiedAt}) returning id`;
	return row.id;
}

export async function insertMembership(tx: Tx, m: { userId: string; organizationId: string; role: Role; title: string | null; isAdmin: boolean }) {
	await tx`
		insert into memberships (user_id, organization_id, role, title, is_admin)
		values (${m.userId}, ${m.organizationId}, ${m.role}, ${m.title}, ${m.isAdmin})`;
}

export async function listMembers(sql: Sql, organizationId: string) {
	return sql<Member[]>`
		select u.id as "userId", u.name, u.email, m.role, m.title, m.is_admin as "isAdmin"
		from memberships m join users u on u.id = m.user_id
		where m.organization_id = ${organizationId}
		order by m.is_admin desc, u.name`;
}

/** The organization's members, rows locked: two administrators changing roles at once cannot both demote the last admin. */
export async function lockMembers(tx: Tx, organizationId: string) {
	return tx<Member[]>`
		select u.id as "userId", u.name, u.email, m.role, m.title, m.is_admin as "isAdmin"
		from memberships m join users u on u.id = m.user_id
		where m.organization_id = ${organizationId}
		for update of m`;
}

export async function updateMembership(tx: Tx, userId: string, organizationId: string, role: Role, isAdmin: boolean) {
	await tx`update memberships set role = ${role}, is_admin = ${isAdmin} where user_id = ${userId} and organization_id = ${organizationId}`;
}

/** Their sessions end with the membership (a session is an account in an organization). */
export async function deleteMembership(tx: Tx, userId: string, organizationId: string) {
	await tx`delete from memberships where user_id = ${userId} and organization_id = ${organizationId}`;
	await tx`delete from sessions where user_id = ${userId}`;
}

export async function insertInvitation(
	sql: Sql,
	i: { organizationId: string; email: string; role: Role; isAdmin: boolean; tokenHash: string; invitedBy: string; expiresAt: Date }
) {
	await sql`
		insert into organization_invitations (organization_id, email, role, is_admin, token_hash, invited_by, expires_at)
		values (${i.organizationId}, ${i.email}, ${i.role}, ${i.isAdmin}, ${i.tokenHash}, ${i.invitedBy}, ${i.expiresAt})`;
}

const invitationColumns = (sql: Sql | Tx) => sql`
	i.id, i.organization_id as "organizationId", o.name as "organizationName", o.kind as "organizationKind",
	i.email, i.role, i.is_admin as "isAdmin", i.expires_at as "expiresAt", i.accepted_at as "acceptedAt"`;

export async function findInvitationByTokenHash(sql: Sql | Tx, tokenHash: string) {
	const rows = await sql<Invitation[]>`
		select ${invitationColumns(sql)} from organization_invitations i
		join organizations o on o.id = i.organization_id
		where i.token_hash = ${tokenHash}`;
	return rows[0] ?? null;
}

export async function listPendingInvitations(sql: Sql, organizationId: string) {
	return sql<Invitation[]>`
		select ${invitationColumns(sql)} from organization_invitations i
		join organizations o on o.id = i.organization_id
		where i.organization_id = ${organizationId} and i.accepted_at is null
		order by i.created_at desc`;
}

/** Marks an invitation used; false when someone else used it first. */
export async function claimInvitation(tx: Tx, id: string, now: Date) {
	const rows = await tx`
		update organization_invitations set accepted_at = ${now}
		where id = ${id} and accepted_at is null and expires_at > ${now}
		returning id`;
	return rows.length === 1;
}

export async function findOrganization(sql: Sql, id: string) {
	const rows = await sql<{ id: string; name: string; kind: Party; timeZone: string }[]>`
		select id, name, kind, time_zone as "timeZone" from organizations where id = ${id}`;
	return rows[0] ?? null;
}
