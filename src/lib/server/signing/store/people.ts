import type { Tx } from '$lib/server/db';
import type { Party } from '$lib/mou/party';
import type { Role } from '$lib/mou/lifecycle';
import type { Capacity } from '$lib/signing/types';
import { transitionStatus } from '$lib/server/mous';
import { byId, type Queryable } from './queryable';
import type { MouRecord } from '$lib/mou/record';

// MOUs, versions and the people of the parties, as signing reads them.

/** Wrong one-time codes entered for a signer, across every code sent to them. */
export async function totalCodeFailures(sql: Queryable, signerId: string): Promise<number> {
	const [row] = await sql<{ total: number }[]>`
		select coalesce(sum(failures), 0)::int as total from signing_codes where signer_id = ${signerId}`;
	return row.total;
}

/** The accounts with these (lower-case) addresses in one party's organization: their name and role there. */
export async function partyAccounts(sql: Queryable, mouId: string, party: Party, emails: string[]) {
	return sql<{ userId: string; email: string; name: string; role: Role; verified: boolean }[]>`
		select u.id as "userId", u.email, u.name, m.role, u.email_verified_at is not null as verified
		from mou_parties p
		join memberships m on m.organization_id = p.organization_id
		join users u on u.id = m.user_id
		where p.mou_id = ${mouId} and p.side = ${party} and u.email = any(${emails})`;
}

/** Signers with this address whose turn it is, in an open request, for the party the account belongs to. */
export async function pendingSignaturesOf(sql: Queryable, userId: string, email: string, now: Date) {
	return sql<{ signerId: string; requestId: string; mouId: string; mouTitle: string; title: string; capacity: Capacity; role: Role; expiresAt: Date }[]>`
		select s.id as "signerId", r.id as "requestId", r.mou_id as "mouId", mo.title as "mouTitle", s.title, s.capacity, m.role,
			r.expires_at as "expiresAt"
		from signing_signers s
		join signing_requests r on r.id = s.request_id
		join mous mo on mo.id = r.mou_id
		join mou_parties p on p.mou_id = r.mou_id and p.side = s.party
		join memberships m on m.organization_id = p.organization_id and m.user_id = ${userId}
		where s.email = ${email} and s.status = 'sent' and r.status = 'out' and r.expires_at > ${now}
		order by r.expires_at`;
}

export interface MouRow extends MouRecord {
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

const mous = byId<MouRow>('mous', mouColumns);

export const findMou = mous.find;

/** Locks the MOU row for the rest of the transaction (status changes are ordered). */
export const lockMou = mous.lock;

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
	/** The account proved its address. */
	verified: boolean;
}

/** People of the parties' organizations with one of the roles. */
export async function listPartyMembers(sql: Queryable, mouId: string, roles: string[]) {
	return sql<MemberRow[]>`
		select u.id as "userId", u.name, u.email, m.title, m.role, p.side, m.organization_id as "organizationId",
			u.email_verified_at is not null as verified
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
