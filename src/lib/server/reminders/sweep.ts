import { randomUUID } from 'node:crypto';
import type { Sql } from '$lib/server/db';
import type { Mailer } from '$lib/server/mail';
import { readStoredMou } from '$lib/document';
import { currentDuePoint, daysUntilDue, defaultSchedule, type ReminderSchedule } from './schedule';
import { isTimeZone, zoneOrUtc } from './time';
import { reminderEmail, type ReminderFacts } from './mail';
import type { ReminderTransport } from './transport';
import * as store from './store';
import { contractDates, contractEmail, currentContractPoints } from './contract';
import { loadProfile } from '$lib/server/profiles';
import { missingSteps, stepLabel } from '$lib/profiles/review';
import type { ReviewStepKind } from '$lib/profiles/types';

export interface ReminderDeps {
	sql: Sql;
	/** Without `transport`, reminders are kept in its outbox (no SMTP server configured). */
	mailer: Mailer;
	/** Hands a reminder to the SMTP server; throws when it is refused or unreachable. */
	transport?: ReminderTransport | null;
	/** The app's public origin, for the links in reminders. */
	origin: string;
	log?: (event: Record<string, unknown>) => void;
}

export interface SweepReport {
	/** Signed MOUs whose reminders were looked at. */
	checked: number;
	/** Reminders of a due point that came, claimed by this sweep. */
	claimed: number;
	/** Delivered to the SMTP server (or kept in the outbox without one). */
	delivered: number;
	/** Attempts that failed (each retried later, with back-off). */
	failed: number;
	/** Earlier failures and interrupted hand-overs this sweep took up again. */
	resumed: number;
	cancelled: number;
}

/** How long a sweep may hold the reminders it claimed before another may take them over. */
export const CLAIM_LEASE_MS = 15 * 60_000;
/** A sweep stops starting new work after this long (real time), well inside its lease. */
const SWEEP_BUDGET_MS = CLAIM_LEASE_MS / 3;
/** Attempts before a reminder is given up (and stays visible as failed). */
export const MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 15 * 60_000;
const LONGEST_RETRY_MS = 6 * 3_600_000;

/** 15 minutes after the first failure, doubling, at most 6 hours apart. */
export function retryDelayMs(attempts: number): number {
	return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/** The MOU's schedule: its row when it has one, else the defaults; in the district's zone. */
export function scheduleOf(mou: store.RemindableMou): ReminderSchedule {
	const base = defaultSchedule(zoneOrUtc(mou.scheduleTimeZone, mou.districtTimeZone));
	if (!mou.hasSchedule) return base;
	return {
		...base,
		daysBefore: mou.daysBefore?.length ? mou.daysBefore : base.daysBefore,
		overdueEveryDays: mou.overdueEveryDays,
		sendHour: mou.sendHour ?? base.sendHour
	};
}

/** The district's time zone as the signed text states it (the "District time zone" term), if real. */
export function agreedTimeZone(state: Uint8Array | null): string | null {
	if (!state) return null;
	try {
		const zone = readStoredMou(state).terms.district_time_zone;
		return isTimeZone(zone) ? zone : null;
	} catch {
		return null;
	}
}

/**
 * One pass of the reminder job at `now`: retries what failed and is due again, then, for every
 * signed MOU under review, sends the latest due point that has come once to each person who should
 * have it. Safe to run at any time, as often as wanted, on several instances at once: the unique
 * key on (MOU, person, due date, due point) decides who sends, and claims decide who retries.
 */
export async function runReminderSweep(deps: ReminderDeps, now: Date): Promise<SweepReport> {
	const started = performance.now();
	const claim: store.Claim = { by: randomUUID(), now, until: new Date(now.getTime() + CLAIM_LEASE_MS) };
	const report: SweepReport = { checked: 0, claimed: 0, delivered: 0, failed: 0, resumed: 0, cancelled: 0 };
	const { sql } = deps;
	const outOfTime = () => performance.now() - started > SWEEP_BUDGET_MS;

	await scheduleNewlySigned(sql);

	for (const row of await store.claimUnsettled(sql, claim)) {
		if (outOfTime()) break; // what is left is taken over once the lease has passed
		await resume(deps, row, claim, report);
	}

	const mous = await store.remindableMous(sql);
	report.checked = mous.length;
	for (const mou of mous) {
		if (outOfTime()) break; // the next sweep goes on from here
		const schedule = scheduleOf(mou);
		await sendContractReminders(deps, mou, schedule, claim, report);
		const point = currentDuePoint(schedule, mou.dueOn, now);
		if (!point) continue;
		const facts = factsOf(mou, schedule, now);
		const people = await store.recipients(sql, mou.id, mou.dueOn);
		const drafts = people.map((person) => {
			const id = randomUUID();
			const mail = reminderEmail(facts, person, id, deps.origin);
			return { id, userId: person.userId, toAddress: person.email, organizationId: person.organizationId, ...mail };
		});
		const ids = await store.claimDeliveries(sql, { mouId: mou.id, dueOn: mou.dueOn, key: point.key, scheduledFor: point.sendAt }, drafts, claim);
		report.claimed += ids.length;
		for (const row of await store.findClaimed(sql, ids)) await deliver(deps, row, claim, report);
	}
	if (report.claimed || report.resumed || report.failed) deps.log?.({ event: 'reminders.sweep', at: now.toISOString(), ...report });
	return report;
}

/** The term-end and non-renewal-notice reminders that have come for one MOU, claimed and sent like review reminders. */
async function sendContractReminders(deps: ReminderDeps, mou: store.RemindableMou, schedule: ReminderSchedule, claim: store.Claim, report: SweepReport) {
	const dates = contractDates(await store.agreedState(deps.sql, mou.id));
	if (!dates) return;
	for (const point of currentContractPoints(dates, schedule, claim.now)) {
		const people = await store.recipients(deps.sql, mou.id, point.target);
		const drafts = people.map((person) => {
			const id = randomUUID();
			const mail = contractEmail({ mouId: mou.id, title: mou.title, point, termEnd: dates.termEnd }, person, id, deps.origin);
			return { id, userId: person.userId, toAddress: person.email, organizationId: person.organizationId, ...mail };
		});
		const ids = await store.claimDeliveries(deps.sql, { mouId: mou.id, dueOn: point.target, key: point.key, scheduledFor: point.sendAt }, drafts, claim);
		report.claimed += ids.length;
		for (const row of await store.findClaimed(deps.sql, ids)) await deliver(deps, row, claim, report);
	}
}

function factsOf(mou: store.RemindableMou, schedule: ReminderSchedule, now: Date): ReminderFacts {
	return {
		mouId: mou.id,
		title: mou.title,
		agencyName: mou.agencyName,
		districtName: mou.districtName,
		dueOn: mou.dueOn,
		intervalMonths: mou.intervalMonths,
		daysLeft: daysUntilDue(mou.dueOn, now, schedule.timeZone),
		...recordFacts(mou)
	};
}

/** The review steps the MOU's state profile requires and its record does not hold yet. */
function recordFacts(mou: store.RemindableMou): Pick<ReminderFacts, 'missingSteps' | 'lawName'> {
	const profile = loadProfile(mou.stateCode, mou.stateProfileVersion);
	const missing = missingSteps(profile.review.requiredSteps, mou.recordedSteps as ReviewStepKind[]);
	return { missingSteps: missing.map((kind) => stepLabel(kind).toLowerCase()), lawName: profile.name };
}

/** Writes the schedule row of MOUs signed since the last sweep, in the zone their text names. */
async function scheduleNewlySigned(sql: Sql) {
	for (const mou of await store.unscheduledSignedMous(sql)) {
		await store.insertDefaultSchedule(sql, mou.id, agreedTimeZone(mou.state));
	}
}

/** One attempt: the SMTP server accepts it ('sent') or not ('failed', retried with back-off). */
async function deliver(deps: ReminderDeps, row: store.ClaimedDelivery, claim: store.Claim, report: SweepReport) {
	if (!(await store.startAttempt(deps.sql, row.id, claim))) return;
	const attempts = row.attempts + 1;
	if (!deps.transport) {
		const kept = await deps.mailer.send({ to: row.toAddress, subject: row.subject, text: row.text, html: row.html, organizationId: row.organizationId });
		await store.markKept(deps.sql, row.id, kept.id, claim.now);
		report.delivered++;
		return;
	}
	try {
		await deps.transport.send({ to: row.toAddress, subject: row.subject, text: row.text, html: row.html, messageId: reminderMessageId(row.id, deps.origin) });
		await store.markSent(deps.sql, row.id, claim.now);
		report.delivered++;
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const next = attempts < MAX_ATTEMPTS ? new Date(claim.now.getTime() + retryDelayMs(attempts)) : null;
		await store.markFailed(deps.sql, row.id, next ? message : `Gave up after ${attempts} attempts: ${message}`, next);
		report.failed++;
		deps.log?.({ event: 'reminders.delivery_failed', delivery: row.id, attempts, error: message, retryAt: next?.toISOString() ?? null });
	}
}

/** One Message-ID per reminder, the same on every attempt: `<reminder-<delivery id>@<host>>`. */
export function reminderMessageId(deliveryId: string, origin: string): string {
	let host = 'mou-studio.local';
	try {
		host = new URL(origin).hostname || host;
	} catch {
		// keep the default
	}
	return `<reminder-${deliveryId}@${host}>`;
}

/**
 * A failed reminder whose retry has come, or one a stopped sweep left in 'sending'. One whose
 * hand-over to the SMTP server had started may or may not have arrived: it is handed over again
 * with the same Message-ID (at least once; a duplicate is recognisable, and receiving servers and
 * mail clients that de-duplicate drop it). The rest go out only while their reminders still run
 * (same MOU, same due date, person still to be reminded); otherwise they are cancelled.
 */
async function resume(deps: ReminderDeps, row: store.ClaimedDelivery, claim: store.Claim, report: SweepReport) {
	report.resumed++;
	if (row.attemptStartedAt !== null) {
		// An attempt started and never settled: its sweep stopped mid-delivery. With SMTP it goes
		// again below, under the same Message-ID; without, the outbox tells whether it was kept.
		if (deps.transport) deps.log?.({ event: 'reminders.resend_interrupted', delivery: row.id, messageId: reminderMessageId(row.id, deps.origin) });
		else {
			const outboxId = await store.findKeptMessage(deps.sql, row);
			if (outboxId) return store.markKept(deps.sql, row.id, outboxId, row.attemptStartedAt);
		}
	}
	const mou = await store.remindableMou(deps.sql, row.mouId);
	// A review reminder is for the MOU's current due date; a contract reminder for its own date.
	const contract = /^(term-end|notice):/.test(row.duePoint);
	const person =
		mou && (contract || mou.dueOn === row.dueOn) ? (await store.recipients(deps.sql, mou.id, row.dueOn)).find((p) => p.userId === row.userId) : null;
	if (!person) {
		await store.markCancelled(deps.sql, row.id, 'Not sent: the review was started or confirmed, or the MOU ended, before it went out.');
		report.cancelled++;
		return;
	}
	await deliver(deps, row, claim, report);
}
