import type { JSONValue, Sql, Tx } from '$lib/server/db';
import type { MouStatus } from '$lib/server/mous';
import type { Party } from '$lib/mou/party';
import type { ReviewStepKind } from '$lib/profiles/types';
import type { MouRecord } from '$lib/mou/record';

/** All SQL of the reviews module: review drafts, confirmations, and their history entries. */

type Queryable = Sql | Tx;

export interface ReviewedMou extends MouRecord {
	dueOn: string | null;
	intervalMonths: number;
	effectiveDate: string | null;
	reviewsMouId: string | null;
}

const reviewedColumns = (sql: Queryable) => sql`
	id, title, status, template_id as "templateId", template_version as "templateVersion",
	state_code as "stateCode", state_profile_version as "stateProfileVersion",
	to_char(review_due_on, 'YYYY-MM-DD') as "dueOn", review_interval_months as "intervalMonths",
	to_char(effective_date, 'YYYY-MM-DD') as "effectiveDate", reviews_mou_id as "reviewsMouId"`;

/** The MOU row, locked against concurrent status and due-date changes until the transaction ends. */
export async function lockMou(tx: Tx, mouId: string): Promise<ReviewedMou | null> {
	const [row] = await tx<ReviewedMou[]>`select ${reviewedColumns(tx)} from mous where id = ${mouId} for update`;
	return row ?? null;
}

export async function findMou(sql: Queryable, mouId: string): Promise<ReviewedMou | null> {
	const [row] = await sql<ReviewedMou[]>`select ${reviewedColumns(sql)} from mous where id = ${mouId}`;
	return row ?? null;
}

export interface LiveReview {
	id: string;
	title: string;
	status: MouStatus;
}

/** The review started from a signed MOU and not abandoned, if any. */
export async function liveReview(sql: Queryable, mouId: string): Promise<LiveReview | null> {
	const [row] = await sql<LiveReview[]>`
		select id, title, status from mous where reviews_mou_id = ${mouId} and status <> 'terminated' limit 1`;
	return row ?? null;
}

export interface AgreedVersion {
	id: string;
	label: string;
	state: Uint8Array;
	sha256: string;
}

/** The text the parties signed: the MOU's (last) agreed version. */
export async function agreedVersion(sql: Queryable, mouId: string): Promise<AgreedVersion | null> {
	const [row] = await sql<AgreedVersion[]>`
		select id, label, state, sha256 from mou_versions where mou_id = ${mouId} and kind = 'agreed'
		order by number desc limit 1`;
	return row ?? null;
}

/** A review draft: negotiated from the start (both parties are in), linked to the MOU it reviews. */
export async function insertReviewDraft(
	tx: Tx,
	r: {
		title: string;
		templateId: string;
		templateVersion: string;
		stateCode: string;
		stateProfileVersion: string;
		createdBy: string;
		reviewsMouId: string;
		now: Date;
	}
): Promise<string> {
	const [row] = await tx<{ id: string }[]>`
		insert into mous (title, status, template_id, template_version, state_code, state_profile_version, created_by, created_at, reviews_mou_id)
		values (${r.title}, 'negotiating', ${r.templateId}, ${r.templateVersion}, ${r.stateCode}, ${r.stateProfileVersion}, ${r.createdBy}, ${r.now}, ${r.reviewsMouId})
		returning id`;
	return row.id;
}

export async function copyParties(tx: Tx, fromMouId: string, toMouId: string, now: Date) {
	await tx`
		insert into mou_parties (mou_id, organization_id, side, joined_at)
		select ${toMouId}, organization_id, side, ${now} from mou_parties where mou_id = ${fromMouId}`;
}

/**
 * The signed text's Yjs client ids stay bound to the people who wrote with them: the review draft
 * holds the same items, and nobody may later write as one of those clients in someone else's name.
 */
export async function copyClientBindings(tx: Tx, fromMouId: string, toMouId: string) {
	await tx`
		insert into mou_clients (mou_id, client_id, user_id, party, bound_at)
		select ${toMouId}, client_id, user_id, party, bound_at from mou_clients where mou_id = ${fromMouId}
		on conflict (mou_id, client_id) do nothing`;
}

export async function insertEvent(
	sql: Queryable,
	e: { mouId: string; at: Date; userId: string | null; party: Party | null; kind: string; summary: string; detail?: Record<string, unknown> }
) {
	await sql`
		insert into mou_events (mou_id, at, user_id, party, kind, summary, detail)
		values (${e.mouId}, ${e.at}, ${e.userId}, ${e.party}, ${e.kind}, ${e.summary}, ${sql.json((e.detail ?? {}) as JSONValue)})`;
}

/** False when the party has already confirmed the review of this due date. */
export async function insertConfirmation(tx: Tx, c: { mouId: string; dueOn: string; party: Party; userId: string; at: Date }) {
	const rows = await tx`
		insert into review_confirmations (mou_id, due_on, party, user_id, confirmed_at)
		values (${c.mouId}, ${c.dueOn}::date, ${c.party}, ${c.userId}, ${c.at})
		on conflict (mou_id, due_on, party) do nothing returning party`;
	return rows.length > 0;
}

export interface Confirmation {
	party: Party;
	userId: string;
	userName: string;
	confirmedAt: Date;
}

export async function listConfirmations(sql: Queryable, mouId: string, dueOn: string) {
	return sql<Confirmation[]>`
		select c.party, c.user_id as "userId", u.name as "userName", c.confirmed_at as "confirmedAt"
		from review_confirmations c join users u on u.id = c.user_id
		where c.mou_id = ${mouId} and c.due_on = ${dueOn}::date order by c.confirmed_at`;
}

export async function setDueOn(tx: Tx, mouId: string, dueOn: string) {
	await tx`update mous set review_due_on = ${dueOn}::date where id = ${mouId}`;
}

/** Who to tell: counsel of one side of the MOU. */
export async function counselOf(sql: Queryable, mouId: string, side: Party) {
	return sql<{ email: string; name: string; organizationId: string }[]>`
		select u.email, u.name, mb.organization_id as "organizationId"
		from mou_parties p join memberships mb on mb.organization_id = p.organization_id join users u on u.id = mb.user_id
		where p.mou_id = ${mouId} and p.side = ${side} and mb.role = 'counsel'
		order by u.name`;
}

export interface Baseline {
	mouId: string;
	title: string;
	versionId: string;
	label: string;
	state: Uint8Array;
	sha256: string;
}

/** The signed text a review draft started from: the reviewed MOU's agreed version. */
export async function baseline(sql: Queryable, mouId: string): Promise<Baseline | null> {
	const [row] = await sql<Baseline[]>`
		select b.id as "mouId", b.title, v.id as "versionId", v.label, v.state, v.sha256
		from mous m
		join mous b on b.id = m.reviews_mou_id
		join lateral (select id, label, state, sha256 from mou_versions
			where mou_id = b.id and kind = 'agreed' order by number desc limit 1) v on true
		where m.id = ${mouId}`;
	return row ?? null;
}

export interface ReviewStepRow {
	id: string;
	kind: ReviewStepKind;
	occurredOn: string;
	details: Record<string, string | number>;
	fileName: string | null;
	fileType: string | null;
	fileSize: number | null;
	fileSha256: string | null;
	party: Party;
	recordedByName: string;
	recordedAt: Date;
}

/** Everything recorded for the review of one due date, in the order it happened (files left out). */
export async function listSteps(sql: Queryable, mouId: string, dueOn: string) {
	return sql<ReviewStepRow[]>`
		select s.id, s.kind, to_char(s.occurred_on, 'YYYY-MM-DD') as "occurredOn", s.details, s.file_name as "fileName",
			s.file_type as "fileType", s.file_size as "fileSize", s.file_sha256 as "fileSha256", s.party,
			u.name as "recordedByName", s.recorded_at as "recordedAt"
		from review_steps s join users u on u.id = s.recorded_by
		where s.mou_id = ${mouId} and s.due_on = ${dueOn}::date order by s.occurred_on, s.recorded_at, s.id`;
}

export async function insertStep(
	sql: Queryable,
	s: {
		mouId: string;
		dueOn: string;
		kind: ReviewStepKind;
		occurredOn: string;
		details: Record<string, string | number>;
		file: { name: string; type: string; data: Uint8Array; sha256: string } | null;
		party: Party;
		userId: string;
		at: Date;
	}
): Promise<string> {
	const [row] = await sql<{ id: string }[]>`
		insert into review_steps (mou_id, due_on, kind, occurred_on, details, file_name, file_type, file_size, file_sha256, file_data, party, recorded_by, recorded_at)
		values (${s.mouId}, ${s.dueOn}::date, ${s.kind}, ${s.occurredOn}::date, ${sql.json(s.details as JSONValue)},
			${s.file?.name ?? null}, ${s.file?.type ?? null}, ${s.file?.data.byteLength ?? null}, ${s.file?.sha256 ?? null},
			${s.file ? Buffer.from(s.file.data) : null}, ${s.party}, ${s.userId}, ${s.at})
		returning id`;
	return row.id;
}

/** One step's file, only through the MOU it belongs to (the caller checked access to that MOU). */
export async function stepFile(sql: Queryable, mouId: string, stepId: string) {
	const [row] = await sql<{ name: string; type: string; data: Uint8Array; sha256: string }[]>`
		select file_name as name, file_type as type, file_data as data, file_sha256 as sha256
		from review_steps where id = ${stepId} and mou_id = ${mouId} and file_data is not null`;
	return row ?? null;
}

/** A completed review as the MOU's history recorded it (completedRecord in close.ts), newest first. */
export interface CompletedReviewRow {
	kind: 'review_confirmed' | 'review_completed';
	at: Date;
	detail: {
		reviewedDueOn?: string;
		replacedBy?: { id: string; title: string };
		steps?: { kind: string; occurredOn: string }[];
		publicComments?: number;
	};
}

export async function listCompletedReviews(sql: Queryable, mouId: string) {
	return sql<CompletedReviewRow[]>`
		select kind, at, detail from mou_events
		where mou_id = ${mouId} and kind in ('review_confirmed', 'review_completed')
		order by at desc, id desc`;
}
