import type { Sql, Tx } from '$lib/server/db';
import type { Party } from '$lib/mou/party';
import { canTransition, type MouStatus } from '$lib/mou/lifecycle';
import type { MouRecord } from '$lib/mou/record';

/** All SQL of the MOUs module. */

export type { MouStatus };

/** An organization that is a party to an MOU, on its side. */
export interface MouParty {
	organizationId: string;
	name: string;
	side: Party;
	/** The organization's time zone (the district's is the MOU's). */
	timeZone?: string;
}

export interface MouSummary extends MouRecord {
	createdAt: Date;
	lastActivityAt: Date;
	parties: MouParty[];
	/** A draft's invitation to the other party is out and unanswered. */
	invitationPending: boolean;
}

const summaryColumns = (sql: Sql | Tx) => sql`
	m.id, m.title, m.status, m.template_id as "templateId", m.template_version as "templateVersion",
	m.state_code as "stateCode", m.state_profile_version as "stateProfileVersion",
	m.created_at as "createdAt", m.last_activity_at as "lastActivityAt",
	coalesce((select json_agg(json_build_object('organizationId', o.id, 'name', o.name, 'side', p.side, 'timeZone', o.time_zone) order by p.side)
		from mou_parties p join organizations o on o.id = p.organization_id where p.mou_id = m.id), '[]') as parties,
	exists (select 1 from mou_party_invitations i where i.mou_id = m.id and i.accepted_at is null and i.expires_at > now()) as "invitationPending"`;

export async function insertMou(
	tx: Tx,
	m: { title: string; templateId: string; templateVersion: string; stateCode: string; stateProfileVersion: string; createdBy: string }
) {
	const [row] = await tx<{ id: string }[]>`
		insert into mous (title, template_id, template_version, state_code, state_profile_version, created_by)
		values (${m.title}, ${m.templateId}, ${m.templateVersion}, ${m.stateCode}, ${m.stateProfileVersion}, ${m.createdBy}) returning id`;
	return row.id;
}

/**
 * The state profile of a draft, compare-and-set: only while the MOU is still a draft under the
 * profile `from` (negotiation may have started, or another counsel changed it, meanwhile).
 */
export async function setStateProfile(tx: Tx, mouId: string, from: string, to: { code: string; version: string }): Promise<boolean> {
	const rows = await tx`
		update mous set state_code = ${to.code}, state_profile_version = ${to.version}
		where id = ${mouId} and status = 'draft' and state_code = ${from} returning id`;
	if (rows.length === 0) return false;
	await touchActivity(tx, mouId);
	return true;
}

export async function insertParty(tx: Tx, mouId: string, organizationId: string, side: Party) {
	await tx`insert into mou_parties (mou_id, organization_id, side) values (${mouId}, ${organizationId}, ${side})`;
}

export async function listForOrganization(sql: Sql, organizationId: string) {
	return sql<MouSummary[]>`
		select ${summaryColumns(sql)} from mous m
		where exists (select 1 from mou_parties p where p.mou_id = m.id and p.organization_id = ${organizationId})
		order by m.last_activity_at desc`;
}

/** The MOU as seen by an organization that is a party to it; null for anyone else. */
export async function findForOrganization(sql: Sql | Tx, mouId: string, organizationId: string) {
	const rows = await sql<(MouSummary & { side: Party })[]>`
		select ${summaryColumns(sql)}, p.side from mous m
		join mou_parties p on p.mou_id = m.id and p.organization_id = ${organizationId}
		where m.id = ${mouId}`;
	return rows[0] ?? null;
}

/** The one writer of last_activity_at, the dashboard's "recently worked on" (now, or the caller's clock). */
export async function touchActivity(sql: Sql | Tx, mouId: string, at: Date | null = null) {
	await sql`update mous set last_activity_at = coalesce(${at}::timestamptz, now()) where id = ${mouId}`;
}

/**
 * The one writer of an MOU's status: compare-and-set from `from` to `to`, along the lifecycle's
 * transitions only. False when the MOU was not in `from` (another request moved it first).
 */
export async function transitionStatus(tx: Tx, mouId: string, from: MouStatus, to: MouStatus, at: Date | null = null): Promise<boolean> {
	if (!canTransition(from, to)) throw new Error(`An MOU does not go from ${from} to ${to}.`);
	const rows = await tx`update mous set status = ${to} where id = ${mouId} and status = ${from} returning id`;
	if (rows.length === 0) return false;
	await touchActivity(tx, mouId, at);
	return true;
}

export async function insertPartyInvitation(sql: Sql, i: { mouId: string; email: string; side: Party; tokenHash: string; invitedBy: string; expiresAt: Date }) {
	await sql`
		insert into mou_party_invitations (mou_id, email, side, token_hash, invited_by, expires_at)
		values (${i.mouId}, ${i.email}, ${i.side}, ${i.tokenHash}, ${i.invitedBy}, ${i.expiresAt})`;
}

export interface PartyInvitation {
	id: string;
	mouId: string;
	mouTitle: string;
	email: string;
	side: Party;
	invitedByName: string;
	invitingOrganization: string;
	expiresAt: Date;
	acceptedAt: Date | null;
}

export async function findPartyInvitation(sql: Sql, tokenHash: string) {
	const rows = await sql<PartyInvitation[]>`
		select i.id, i.mou_id as "mouId", m.title as "mouTitle", i.email, i.side, u.name as "invitedByName",
			o.name as "invitingOrganization", i.expires_at as "expiresAt", i.accepted_at as "acceptedAt"
		from mou_party_invitations i
		join mous m on m.id = i.mou_id
		join users u on u.id = i.invited_by
		join memberships mb on mb.user_id = u.id
		join organizations o on o.id = mb.organization_id
		where i.token_hash = ${tokenHash}`;
	return rows[0] ?? null;
}

export async function listPartyInvitations(sql: Sql, mouId: string) {
	return sql<{ email: string; side: Party; expiresAt: Date; acceptedAt: Date | null; createdAt: Date }[]>`
		select email, side, expires_at as "expiresAt", accepted_at as "acceptedAt", created_at as "createdAt"
		from mou_party_invitations where mou_id = ${mouId} order by created_at desc`;
}

/** Claims the invitation and adds the organization as a party, atomically; false if already taken. */
export async function claimPartyInvitation(tx: Tx, invitationId: string, userId: string, now: Date) {
	const rows = await tx<{ mouId: string; side: Party }[]>`
		update mou_party_invitations set accepted_at = ${now}, accepted_by = ${userId}
		where id = ${invitationId} and accepted_at is null and expires_at > ${now}
		returning mou_id as "mouId", side`;
	return rows[0] ?? null;
}

export async function sideTaken(sql: Sql | Tx, mouId: string, side: Party) {
	const rows = await sql`select 1 from mou_parties where mou_id = ${mouId} and side = ${side}`;
	return rows.length > 0;
}
