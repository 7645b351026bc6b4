import type { Sql, Tx } from '$lib/server/db';
import type { Party } from '$lib/mou/party';
import type { DeliveryView } from '$lib/reminders/types';
import type { ScheduleSettings } from './validation';

/**
 * All SQL of the reminders module. It reads the outbox (where the mail layer keeps messages when no
 * SMTP server is configured) only to trace a reminder handed over there; it never writes there.
 */

type Queryable = Sql | Tx;

/** A signed MOU whose review is due and that nobody has started reviewing. */
export interface RemindableMou {
	id: string;
	title: string;
	dueOn: string;
	intervalMonths: number;
	daysBefore: number[] | null;
	overdueEveryDays: number | null;
	/** False when the MOU has no schedule row yet (the defaults apply). */
	hasSchedule: boolean;
	sendHour: number | null;
	scheduleTimeZone: string | null;
	districtTimeZone: string | null;
	agencyName: string | null;
	districtName: string | null;
	stateCode: string;
	stateProfileVersion: string;
	/** Kinds of step the review record of this due date holds (the review's own table, read here for the reminder's text). */
	recordedSteps: string[];
}

const remindableColumns = (sql: Queryable) => sql`
	m.id, m.title, to_char(m.review_due_on, 'YYYY-MM-DD') as "dueOn", m.review_interval_months as "intervalMonths",
	s.days_before as "daysBefore", s.overdue_every_days as "overdueEveryDays", s.mou_id is not null as "hasSchedule",
	s.send_hour as "sendHour", s.time_zone as "scheduleTimeZone",
	(select o.time_zone from mou_parties p join organizations o on o.id = p.organization_id
		where p.mou_id = m.id and p.side = 'district') as "districtTimeZone",
	(select o.name from mou_parties p join organizations o on o.id = p.organization_id
		where p.mou_id = m.id and p.side = 'agency') as "agencyName",
	(select o.name from mou_parties p join organizations o on o.id = p.organization_id
		where p.mou_id = m.id and p.side = 'district') as "districtName",
	m.state_code as "stateCode", m.state_profile_version as "stateProfileVersion",
	coalesce((select array_agg(distinct r.kind) from review_steps r
		where r.mou_id = m.id and r.due_on = m.review_due_on), '{}') as "recordedSteps"`;

/** Reminders are due for a signed MOU with a review date, unless a review of it has been started. */
const remindableWhere = (sql: Queryable) => sql`
	m.status = 'signed' and m.review_due_on is not null
	and not exists (select 1 from mous r where r.reviews_mou_id = m.id and r.status <> 'terminated')`;

export async function remindableMous(sql: Queryable): Promise<RemindableMou[]> {
	return sql<RemindableMou[]>`
		select ${remindableColumns(sql)} from mous m
		left join reminder_schedules s on s.mou_id = m.id
		where ${remindableWhere(sql)}
		order by m.review_due_on, m.id`;
}

export async function remindableMou(sql: Queryable, mouId: string): Promise<RemindableMou | null> {
	const [row] = await sql<RemindableMou[]>`
		select ${remindableColumns(sql)} from mous m
		left join reminder_schedules s on s.mou_id = m.id
		where m.id = ${mouId} and ${remindableWhere(sql)}`;
	return row ?? null;
}

/** Signed MOUs without a schedule row, with their agreed text (to read the district's zone from). */
export async function unscheduledSignedMous(sql: Queryable, limit = 50) {
	return sql<{ id: string; state: Uint8Array | null }[]>`
		select m.id, (select v.state from mou_versions v where v.mou_id = m.id and v.kind = 'agreed'
			order by v.number desc limit 1) as state
		from mous m
		where m.status = 'signed' and m.review_due_on is not null
			and not exists (select 1 from reminder_schedules s where s.mou_id = m.id)
		limit ${limit}`;
}

export async function insertDefaultSchedule(sql: Queryable, mouId: string, timeZone: string | null) {
	await sql`insert into reminder_schedules (mou_id, time_zone) values (${mouId}, ${timeZone}) on conflict (mou_id) do nothing`;
}

export interface ScheduleRow {
	daysBefore: number[];
	overdueEveryDays: number | null;
	sendHour: number;
	timeZone: string | null;
	updatedAt: Date;
	updatedByName: string | null;
}

export async function findSchedule(sql: Queryable, mouId: string): Promise<ScheduleRow | null> {
	const [row] = await sql<ScheduleRow[]>`
		select s.days_before as "daysBefore", s.overdue_every_days as "overdueEveryDays", s.send_hour as "sendHour",
			s.time_zone as "timeZone", s.updated_at as "updatedAt", u.name as "updatedByName"
		from reminder_schedules s left join users u on u.id = s.updated_by
		where s.mou_id = ${mouId}`;
	return row ?? null;
}

export async function saveSchedule(sql: Queryable, mouId: string, settings: ScheduleSettings, userId: string, now: Date) {
	await sql`
		insert into reminder_schedules (mou_id, days_before, overdue_every_days, send_hour, time_zone, updated_by, updated_at)
		values (${mouId}, ${settings.daysBefore}::int[], ${settings.overdueEveryDays}, ${settings.sendHour}, ${settings.timeZone}, ${userId}, ${now})
		on conflict (mou_id) do update set days_before = excluded.days_before, overdue_every_days = excluded.overdue_every_days,
			send_hour = excluded.send_hour, time_zone = excluded.time_zone, updated_by = excluded.updated_by, updated_at = excluded.updated_at`;
}

export interface Recipient {
	userId: string;
	email: string;
	name: string;
	organizationId: string;
	organizationName: string;
	/** The recipient's organization's zone (for "when, in their zone"). */
	timeZone: string | null;
	side: Party;
}

/**
 * Counsel, signatories and administrators of both parties — less a party that has already
 * confirmed the review of this due date (only the other still has something to do).
 */
export async function recipients(sql: Queryable, mouId: string, dueOn: string): Promise<Recipient[]> {
	return sql<Recipient[]>`
		select u.id as "userId", u.email, u.name, o.id as "organizationId", o.name as "organizationName", o.time_zone as "timeZone", p.side
		from mou_parties p
		join organizations o on o.id = p.organization_id
		join memberships mb on mb.organization_id = p.organization_id
		join users u on u.id = mb.user_id
		where p.mou_id = ${mouId} and (mb.role in ('counsel', 'signatory') or mb.is_admin)
			and not exists (select 1 from review_confirmations c
				where c.mou_id = p.mou_id and c.due_on = ${dueOn}::date and c.party = p.side)
		order by p.side, u.name, u.id`;
}

export interface NewDelivery {
	/** Chosen before the insert: the mail names it, so an interrupted hand-over can be traced. */
	id: string;
	userId: string;
	toAddress: string;
	organizationId: string;
	subject: string;
	text: string;
	html: string;
}

export interface Claim {
	/** This sweep. */
	by: string;
	now: Date;
	/** When another sweep may take over what this one claimed. */
	until: Date;
}

/**
 * Records 'sending' for each person not yet reminded at this point, in one statement. Only the
 * rows this call inserted come back: a concurrent sweep (another instance, a retried job) that
 * lost the race on the unique key gets nothing to send.
 */
export async function claimDeliveries(
	sql: Queryable,
	point: { mouId: string; dueOn: string; key: string; scheduledFor: Date },
	people: NewDelivery[],
	claim: Claim
): Promise<string[]> {
	if (people.length === 0) return [];
	const rows = await sql<{ id: string }[]>`
		insert into reminder_deliveries
			(id, mou_id, user_id, due_on, due_point, scheduled_for, to_address, organization_id, subject, text_body, html_body,
			status, claimed_by, claimed_until, created_at)
		select p.id, ${point.mouId}, p.user_id, ${point.dueOn}::date, ${point.key}, ${point.scheduledFor}, p.to_address,
			p.organization_id, p.subject, p.text_body, p.html_body, 'sending', ${claim.by}, ${claim.until}, ${claim.now}
		from unnest(${people.map((p) => p.id)}::uuid[], ${people.map((p) => p.userId)}::uuid[], ${people.map((p) => p.toAddress)}::text[],
			${people.map((p) => p.organizationId)}::uuid[], ${people.map((p) => p.subject)}::text[], ${people.map((p) => p.text)}::text[],
			${people.map((p) => p.html)}::text[])
			as p (id, user_id, to_address, organization_id, subject, text_body, html_body)
		on conflict (mou_id, user_id, due_on, due_point) do nothing
		returning id`;
	return rows.map((r) => r.id);
}

export interface ClaimedDelivery {
	id: string;
	mouId: string;
	userId: string;
	dueOn: string;
	toAddress: string;
	organizationId: string | null;
	subject: string;
	text: string;
	html: string;
	attempts: number;
	/** Set while an attempt is under way (cleared when it fails): set here, a sweep stopped mid-delivery. */
	attemptStartedAt: Date | null;
	duePoint: string;
}

const claimedColumns = (sql: Queryable) => sql`
	id, mou_id as "mouId", user_id as "userId", to_char(due_on, 'YYYY-MM-DD') as "dueOn", to_address as "toAddress",
	organization_id as "organizationId", subject, text_body as text, html_body as html, attempts,
	attempt_started_at as "attemptStartedAt", due_point as "duePoint"`;

export async function findClaimed(sql: Queryable, ids: string[]): Promise<ClaimedDelivery[]> {
	if (ids.length === 0) return [];
	return sql<ClaimedDelivery[]>`select ${claimedColumns(sql)} from reminder_deliveries where id = any(${ids}::uuid[]) order by to_address`;
}

/**
 * Just before the mail goes out: counts the attempt and notes that it has started, while this
 * sweep still holds the claim. False when another sweep has taken the row over (this one ran
 * past its lease): then only that one may send it.
 */
export async function startAttempt(sql: Queryable, deliveryId: string, claim: Claim): Promise<boolean> {
	const rows = await sql`
		update reminder_deliveries set attempts = attempts + 1, attempt_started_at = ${claim.now}
		where id = ${deliveryId} and claimed_by = ${claim.by} and status = 'sending'
		returning id`;
	return rows.length > 0;
}

export async function markSent(sql: Queryable, deliveryId: string, now: Date) {
	await sql`
		update reminder_deliveries set status = 'sent', sent_at = ${now}, last_error = null, next_attempt_at = null
		where id = ${deliveryId}`;
}

/** nextAttemptAt null: no further attempt (given up, or delivery uncertain); the row stays visible. */
export async function markFailed(sql: Queryable, deliveryId: string, error: string, nextAttemptAt: Date | null) {
	await sql`
		update reminder_deliveries set status = 'failed', last_error = ${error.slice(0, 1000)}, next_attempt_at = ${nextAttemptAt},
			attempt_started_at = null
		where id = ${deliveryId}`;
}

/** Without SMTP: the mail layer kept the message in its outbox, where it is read. */
export async function markKept(sql: Queryable, deliveryId: string, outboxId: string, now: Date) {
	await sql`
		update reminder_deliveries set status = 'kept', outbox_id = ${outboxId}, sent_at = ${now}, last_error = null, next_attempt_at = null
		where id = ${deliveryId}`;
}

export async function markCancelled(sql: Queryable, deliveryId: string, reason: string) {
	await sql`
		update reminder_deliveries set status = 'cancelled', last_error = ${reason}, next_attempt_at = null
		where id = ${deliveryId} and status in ('sending', 'failed')`;
}

/**
 * Failed reminders whose next attempt has come, and rows left in 'sending' past their lease (the
 * sweep that claimed them stopped: crash, restart). Each is taken over by exactly one sweep.
 */
export async function claimUnsettled(sql: Queryable, claim: Claim, limit = 100): Promise<ClaimedDelivery[]> {
	return sql<ClaimedDelivery[]>`
		update reminder_deliveries set status = 'sending', claimed_by = ${claim.by}, claimed_until = ${claim.until}
		where id in (
			select id from reminder_deliveries
			where (status = 'failed' and next_attempt_at <= ${claim.now})
				or (status = 'sending' and claimed_until < ${claim.now})
			order by coalesce(next_attempt_at, claimed_until) limit ${limit}
			for update skip locked)
		returning ${claimedColumns(sql)}`;
}

/**
 * The outbox message of a reminder whose hand-over to the mail layer was interrupted, if the mail
 * layer recorded one (each reminder's text carries its id, so this finds that one message only).
 */
export async function findKeptMessage(sql: Queryable, delivery: { id: string; toAddress: string }): Promise<string | null> {
	const [row] = await sql<{ id: string }[]>`
		select id from outbox where to_address = ${delivery.toAddress} and position(${delivery.id} in text_body) > 0
		order by created_at limit 1`;
	return row?.id ?? null;
}

const deliveryColumns = (sql: Queryable) => sql`
	d.id, d.mou_id as "mouId", m.title as "mouTitle", to_char(d.due_on, 'YYYY-MM-DD') as "dueOn", d.due_point as "duePoint",
	d.to_address as "toAddress", u.name as "recipientName", d.subject, d.status, d.attempts, d.last_error as "lastError",
	d.next_attempt_at as "nextAttemptAt", d.created_at as "createdAt", d.sent_at as "sentAt"`;

/** The reminders one person was sent, newest first. */
export async function listForUser(sql: Queryable, userId: string, limit = 200) {
	return sql<(DeliveryView & { textBody: string })[]>`
		select ${deliveryColumns(sql)}, d.text_body as "textBody" from reminder_deliveries d
		join mous m on m.id = d.mou_id join users u on u.id = d.user_id
		where d.user_id = ${userId}
		order by d.created_at desc, d.id limit ${limit}`;
}

/** What an administrator oversees: reminders to their organization's people. */
export async function listForOrganization(sql: Queryable, organizationId: string, limit = 200) {
	return sql<DeliveryView[]>`
		select ${deliveryColumns(sql)} from reminder_deliveries d
		join mous m on m.id = d.mou_id join users u on u.id = d.user_id
		where d.organization_id = ${organizationId}
		order by (d.status in ('failed', 'sending')) desc, d.created_at desc, d.id limit ${limit}`;
}

/** One MOU's reminders to the people of one organization. */
export async function listForMou(sql: Queryable, mouId: string, organizationId: string, limit = 100) {
	return sql<DeliveryView[]>`
		select ${deliveryColumns(sql)} from reminder_deliveries d
		join mous m on m.id = d.mou_id join users u on u.id = d.user_id
		where d.mou_id = ${mouId} and d.organization_id = ${organizationId}
		order by d.created_at desc, d.id limit ${limit}`;
}

/** Review facts of MOUs for the dashboard, in one query. */
export interface ReviewFacts {
	id: string;
	status: string;
	dueOn: string | null;
	effectiveDate: string | null;
	intervalMonths: number | null;
	scheduleTimeZone: string | null;
	districtTimeZone: string | null;
	/** This MOU is a review draft of that signed MOU. */
	reviewsMouId: string | null;
	reviewsTitle: string | null;
	reviewsDueOn: string | null;
	/** The review started from this MOU (not abandoned), if any. */
	reviewId: string | null;
	reviewTitle: string | null;
	reviewStatus: string | null;
	confirmedParties: Party[];
}

export async function reviewFacts(sql: Queryable, mouIds: string[]): Promise<ReviewFacts[]> {
	if (mouIds.length === 0) return [];
	return sql<ReviewFacts[]>`
		select m.id, m.status, to_char(m.review_due_on, 'YYYY-MM-DD') as "dueOn", to_char(m.effective_date, 'YYYY-MM-DD') as "effectiveDate",
			m.review_interval_months as "intervalMonths", s.time_zone as "scheduleTimeZone",
			(select o.time_zone from mou_parties p join organizations o on o.id = p.organization_id
				where p.mou_id = m.id and p.side = 'district') as "districtTimeZone",
			m.reviews_mou_id as "reviewsMouId", base.title as "reviewsTitle", to_char(base.review_due_on, 'YYYY-MM-DD') as "reviewsDueOn",
			rev.id as "reviewId", rev.title as "reviewTitle", rev.status as "reviewStatus",
			coalesce((select array_agg(c.party order by c.party) from review_confirmations c
				where c.mou_id = m.id and c.due_on = m.review_due_on), '{}') as "confirmedParties"
		from mous m
		left join reminder_schedules s on s.mou_id = m.id
		left join mous base on base.id = m.reviews_mou_id
		left join lateral (select r.id, r.title, r.status from mous r
			where r.reviews_mou_id = m.id and r.status <> 'terminated' limit 1) rev on true
		where m.id = any(${mouIds}::uuid[])`;
}

/** People already sent (or being sent) a due point of a due date: a sweep would skip them. */
export async function deliveredTo(sql: Queryable, mouId: string, dueOn: string, duePoint: string): Promise<Set<string>> {
	const rows = await sql<{ userId: string }[]>`
		select user_id as "userId" from reminder_deliveries
		where mou_id = ${mouId} and due_on = ${dueOn}::date and due_point = ${duePoint}`;
	return new Set(rows.map((r) => r.userId));
}

/** The remindable MOUs one organization is a party to. */
export async function remindableMousOf(sql: Queryable, organizationId: string): Promise<RemindableMou[]> {
	return sql<RemindableMou[]>`
		select ${remindableColumns(sql)} from mous m
		left join reminder_schedules s on s.mou_id = m.id
		where ${remindableWhere(sql)}
			and exists (select 1 from mou_parties p where p.mou_id = m.id and p.organization_id = ${organizationId})
		order by m.review_due_on, m.id`;
}

/** The signed text of an MOU (its last agreed version), for the dates its terms set. */
export async function agreedState(sql: Queryable, mouId: string): Promise<Uint8Array | null> {
	const [row] = await sql<{ state: Uint8Array }[]>`
		select state from mou_versions where mou_id = ${mouId} and kind = 'agreed' order by number desc limit 1`;
	return row?.state ?? null;
}
