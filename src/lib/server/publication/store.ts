import type { Sql, Tx } from '$lib/server/db';
import type { Party } from '$lib/mou/party';

/** All SQL of the publication module: public pages, public comments, their history entries. */

type Queryable = Sql | Tx;

/** The first MOU of `mouId`'s line (following review drafts back to the MOU they review). */
export async function lineRoot(sql: Queryable, mouId: string): Promise<string> {
	const [row] = await sql<{ id: string }[]>`
		with recursive up(id, parent, depth) as (
			select id, reviews_mou_id, 0 from mous where id = ${mouId}
			union all
			select m.id, m.reviews_mou_id, up.depth + 1 from mous m join up on m.id = up.parent where up.depth < 100
		)
		select id from up order by depth desc limit 1`;
	return row?.id ?? mouId;
}

/** The line's current signed MOU: the latest signed one among the root and its reviews. */
export async function currentSigned(sql: Queryable, rootId: string) {
	const [row] = await sql<{ id: string }[]>`
		with recursive line(id, depth) as (
			select id, 0 from mous where id = ${rootId}
			union all
			select m.id, line.depth + 1 from mous m join line on m.reviews_mou_id = line.id where line.depth < 100
		)
		select m.id from line join mous m on m.id = line.id where m.status = 'signed'
		order by m.signed_at desc nulls last, line.depth desc limit 1`;
	return row?.id ?? null;
}

export interface Publication {
	mouId: string;
	slug: string;
	publishedAt: Date;
	unpublishedAt: Date | null;
}

export async function findPublication(sql: Queryable, rootId: string) {
	const [row] = await sql<Publication[]>`
		select mou_id as "mouId", slug, published_at as "publishedAt", unpublished_at as "unpublishedAt"
		from mou_publications where mou_id = ${rootId}`;
	return row ?? null;
}

export async function findBySlug(sql: Queryable, slug: string) {
	const [row] = await sql<Publication[]>`
		select mou_id as "mouId", slug, published_at as "publishedAt", unpublished_at as "unpublishedAt"
		from mou_publications where slug = ${slug}`;
	return row ?? null;
}

/** Publishes (or publishes again, under the same address). */
export async function upsertPublication(tx: Tx, p: { rootId: string; slug: string; userId: string; at: Date }) {
	await tx`
		insert into mou_publications (mou_id, slug, published_at, published_by)
		values (${p.rootId}, ${p.slug}, ${p.at}, ${p.userId})
		on conflict (mou_id) do update set published_at = ${p.at}, published_by = ${p.userId}, unpublished_at = null, unpublished_by = null`;
}

export async function markUnpublished(tx: Tx, rootId: string, userId: string, at: Date) {
	const rows = await tx`
		update mou_publications set unpublished_at = ${at}, unpublished_by = ${userId}
		where mou_id = ${rootId} and unpublished_at is null returning mou_id`;
	return rows.length > 0;
}

export async function insertEvent(sql: Queryable, e: { mouId: string; at: Date; userId: string; party: Party; kind: string; summary: string }) {
	await sql`
		insert into mou_events (mou_id, at, user_id, party, kind, summary, detail)
		values (${e.mouId}, ${e.at}, ${e.userId}, ${e.party}, ${e.kind}, ${e.summary}, '{}'::jsonb)`;
}

/** What the public may see of a signed MOU: nothing about people, only the text and its dates. */
export interface PublicMou {
	id: string;
	title: string;
	status: string;
	effectiveDate: string | null;
	dueOn: string | null;
	templateId: string;
	templateVersion: string;
	stateCode: string;
	stateProfileVersion: string;
	agencyName: string | null;
	districtName: string | null;
	districtOrganizationId: string | null;
	districtTimeZone: string | null;
	reviewStarted: boolean;
}

export async function publicMou(sql: Queryable, mouId: string) {
	const [row] = await sql<PublicMou[]>`
		select m.id, m.title, m.status, to_char(m.effective_date, 'YYYY-MM-DD') as "effectiveDate",
			to_char(m.review_due_on, 'YYYY-MM-DD') as "dueOn", m.template_id as "templateId", m.template_version as "templateVersion",
			m.state_code as "stateCode", m.state_profile_version as "stateProfileVersion",
			(select o.name from mou_parties p join organizations o on o.id = p.organization_id where p.mou_id = m.id and p.side = 'agency') as "agencyName",
			(select o.name from mou_parties p join organizations o on o.id = p.organization_id where p.mou_id = m.id and p.side = 'district') as "districtName",
			(select o.id from mou_parties p join organizations o on o.id = p.organization_id where p.mou_id = m.id and p.side = 'district') as "districtOrganizationId",
			(select o.time_zone from mou_parties p join organizations o on o.id = p.organization_id where p.mou_id = m.id and p.side = 'district') as "districtTimeZone",
			exists (select 1 from mous r where r.reviews_mou_id = m.id and r.status <> 'terminated') as "reviewStarted"
		from mous m where m.id = ${mouId}`;
	return row ?? null;
}

/** The signed text and the signed DOCX's fingerprint. */
export async function signedText(sql: Queryable, mouId: string) {
	const [row] = await sql<{ state: Uint8Array; docxSha256: string | null }[]>`
		select v.state, d.sha256 as "docxSha256"
		from mou_versions v left join signed_documents d on d.mou_id = v.mou_id
		where v.mou_id = ${mouId} and v.kind = 'agreed' order by v.number desc limit 1`;
	return row ?? null;
}

// ——— public comments ———

export interface PublicComment {
	id: string;
	name: string | null;
	body: string;
	createdAt: Date;
	verifiedAt: Date | null;
	status: 'pending' | 'accepted' | 'rejected';
}

const commentColumns = (sql: Queryable) => sql`id, name, body, created_at as "createdAt", verified_at as "verifiedAt", status`;

export async function insertComment(
	sql: Queryable,
	c: { mouId: string; dueOn: string; name: string | null; email: string; body: string; tokenHash: string; ip: string; at: Date }
) {
	const [row] = await sql<{ id: string }[]>`
		insert into public_comments (mou_id, due_on, name, email, body, token_hash, ip, created_at)
		values (${c.mouId}, ${c.dueOn}::date, ${c.name}, ${c.email}, ${c.body}, ${c.tokenHash}, ${c.ip}, ${c.at})
		returning id`;
	return row.id;
}

/** Comments sent in the last day from this address and from this IP. */
export async function recentCounts(sql: Queryable, email: string, ip: string, since: Date) {
	const [row] = await sql<{ byEmail: number; byIp: number }[]>`
		select
			(select count(*)::int from public_comments where lower(email) = lower(${email}) and created_at > ${since}) as "byEmail",
			(select count(*)::int from public_comments where ip = ${ip} and created_at > ${since}) as "byIp"`;
	return row;
}

/** Verifies the comment of this link once; null when the link is unknown or already used. */
export async function verifyComment(sql: Queryable, tokenHash: string, at: Date) {
	const [row] = await sql<{ id: string; mouId: string }[]>`
		update public_comments set verified_at = ${at}
		where token_hash = ${tokenHash} and verified_at is null and created_at > ${at}::timestamptz - interval '7 days'
		returning id, mou_id as "mouId"`;
	return row ?? null;
}

/** Verified comments on the review of one due date, for the district to moderate. */
export async function verifiedComments(sql: Queryable, mouId: string, dueOn: string) {
	return sql<PublicComment[]>`
		select ${commentColumns(sql)} from public_comments
		where mou_id = ${mouId} and due_on = ${dueOn}::date and verified_at is not null order by created_at`;
}

export async function acceptedComments(sql: Queryable, mouId: string, dueOn: string) {
	return sql<PublicComment[]>`
		select ${commentColumns(sql)} from public_comments
		where mou_id = ${mouId} and due_on = ${dueOn}::date and status = 'accepted' order by created_at`;
}

export async function moderate(sql: Queryable, m: { mouId: string; commentId: string; status: 'accepted' | 'rejected'; userId: string; at: Date }) {
	const rows = await sql`
		update public_comments set status = ${m.status}, moderated_by = ${m.userId}, moderated_at = ${m.at}
		where id = ${m.commentId} and mou_id = ${m.mouId} and verified_at is not null returning id`;
	return rows.length > 0;
}
