import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import postgres from 'postgres';
import type { Sql } from '../../src/lib/server/db';
import { createMailer, type Mailer } from '../../src/lib/server/mail';
import {
	listMyReminders,
	listOrganizationReminders,
	runReminderSweep,
	SIGNING_QUEUE,
	smtpTransport,
	startReminderScheduler,
	type ReminderTransport,
	updateSchedule,
	type ReminderScheduler
} from '../../src/lib/server/reminders';
import { confirmReview, startReview } from '../../src/lib/server/reviews';
import { freshDatabase } from '../helpers/db';
import { mailText, type ReceivedMail } from '../helpers/smtp';
import { reminderWorld, signedMou, type ReminderWorld } from './reminders-world';
import { mailWorld, type SmtpServer } from '../helpers/mail-world';

const ORIGIN = 'http://mou.test';
let db: Awaited<ReturnType<typeof freshDatabase>>;
let smtp: SmtpServer;
let mailer: Mailer;
let scheduler: ReminderScheduler;
let transport: ReminderTransport;
let world: ReminderWorld;
/** What a sweep needs, for running one directly (as a second instance would). */
const sweepDeps = () => ({ sql: db.sql, mailer, transport, origin: ORIGIN });

mailWorld((world) => ({ db, smtp, mailer } = world));
beforeAll(async () => {
	transport = smtpTransport(smtp.url);
	scheduler = await startReminderScheduler({ sql: db.sql, mailer, smtpUrl: smtp.url, origin: ORIGIN, cron: false, pollingIntervalSeconds: 0.5 });
	world = await reminderWorld(db.sql);
});

afterAll(async () => {
	await scheduler?.stop();
	transport?.close();
});

beforeEach(() => {
	smtp.setRefusing(false);
	smtp.received.length = 0;
});

// Each test's MOU ends with it, so that later tests (whose clocks run years ahead) are not
// interleaved with its overdue reminders.
afterEach(async () => {
	await db.sql`update mous set status = 'terminated' where status = 'signed'`;
});

/** The decoded Subject header: unfolded, RFC 2047 encoded words (the title has curly quotes) decoded. */
function subjectOf(mail: ReceivedMail): string {
	const headers = mail.raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
	const raw = /^Subject: (.*)$/im.exec(headers)?.[1] ?? '';
	return raw.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=(\s+(?==\?))?/gi, (_, encoding: string, text: string) =>
		encoding.toUpperCase() === 'B'
			? Buffer.from(text, 'base64').toString('utf8')
			: Buffer.from(
					text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))),
					'latin1'
				).toString('utf8')
	);
}
const isReminderAbout = (mail: ReceivedMail, title: string) => /^Review (due|overdue)/.test(subjectOf(mail)) && subjectOf(mail).endsWith(`“${title}”`);
/** Who got a review reminder about this MOU (by its title in the subject), sorted. */
function recipientsFor(title: string) {
	return smtp.received
		.filter((m) => isReminderAbout(m, title))
		.flatMap((m) => m.to)
		.sort();
}
/** Review reminders about this MOU to one person. */
function mailsTo(email: string, title: string) {
	return smtp.received.filter((m) => m.to.includes(email) && isReminderAbout(m, title));
}

async function deliveries(mouId: string) {
	return db.sql<{ email: string; duePoint: string; status: string; dueOn: string; lastError: string | null; scheduledFor: Date }[]>`
		select to_address as email, due_point as "duePoint", status, to_char(due_on, 'YYYY-MM-DD') as "dueOn",
			last_error as "lastError", scheduled_for as "scheduledFor"
		from reminder_deliveries where mou_id = ${mouId} order by created_at, to_address`;
}

describe('reminders at each due point', () => {
	test('moving the clock across the due points sends each reminder once, to the right people, at 8:00 in the district’s zone', async () => {
		const title = 'Clock MOU';
		const { mouId } = await signedMou(db.sql, world, { title, effectiveDate: '2027-08-01', dueOn: '2028-08-01', districtTimeZone: 'America/Los_Angeles' });
		// 8:00 in Los Angeles (PDT, UTC−7) is 15:00 UTC.
		const at = (day: string, time = '15:00') => new Date(`${day}T${time}:00Z`);

		expect((await scheduler.runNow(at('2028-06-02', '14:59'))).claimed).toBe(0);
		expect(recipientsFor(title)).toEqual([]);

		await scheduler.runNow(at('2028-06-02'));
		expect(recipientsFor(title)).toEqual(world.remindedEmails);
		const [first] = mailsTo(world.districtSignatory.email, title);
		const text = mailText(first.raw);
		expect(subjectOf(first)).toBe(`Review due in 60 days: “${title}”`);
		expect(text).toContain('is due on August 1, 2028, in 60 days');
		expect(text).toContain(`${ORIGIN}/mous/${mouId}/review`);
		expect(text).toContain(`${ORIGIN}/mous/${mouId}`);

		// The same moment again, and later the same day: nothing new.
		await scheduler.runNow(at('2028-06-02'));
		await scheduler.runNow(at('2028-06-02', '23:00'));
		expect(recipientsFor(title)).toHaveLength(world.remindedEmails.length);

		for (const day of ['2028-07-02', '2028-07-18', '2028-07-25', '2028-08-01', '2028-08-08', '2028-08-15']) {
			await scheduler.runNow(at(day, '14:59'));
			await scheduler.runNow(at(day));
			await scheduler.runNow(at(day, '20:00'));
		}
		const rows = await deliveries(mouId);
		const points = [...new Set(rows.map((r) => r.duePoint))];
		expect(points).toEqual(['before:60', 'before:30', 'before:14', 'before:7', 'before:0', 'overdue:7', 'overdue:14']);
		expect(rows).toHaveLength(points.length * world.remindedEmails.length);
		expect(rows.every((r) => r.status === 'sent')).toBe(true);
		expect(new Set(rows.map((r) => r.scheduledFor.toISOString().slice(11)))).toEqual(new Set(['15:00:00.000Z']));
		// One mail per person per point: 7 points × 6 people.
		expect(recipientsFor(title)).toHaveLength(7 * world.remindedEmails.length);
		expect(recipientsFor(title)).not.toContain(world.districtViewer.email);
		const subjects = mailsTo(world.district.email, title).map((m) => subjectOf(m));
		expect(subjects).toEqual([
			`Review due in 60 days: “${title}”`,
			`Review due in 30 days: “${title}”`,
			`Review due in 14 days: “${title}”`,
			`Review due in 7 days: “${title}”`,
			`Review due today: “${title}”`,
			`Review overdue by 7 days: “${title}”`,
			`Review overdue by 14 days: “${title}”`
		]);
	});

	test('a sweep that comes late sends only the latest point, not a burst of stale ones', async () => {
		const title = 'Late MOU';
		await signedMou(db.sql, world, { title, effectiveDate: '2027-09-01', dueOn: '2028-09-01' });
		// Chicago: 8:00 CDT is 13:00 UTC. Nothing ran between 60 and 7 days before.
		await scheduler.runNow(new Date('2028-08-26T13:00:00Z'));
		const subjects = mailsTo(world.district.email, title).map((m) => subjectOf(m));
		expect(subjects).toEqual([`Review due in 6 days: “${title}”`]);
	});

	test('each person sees the reminders they were sent; administrators see their organization’s', async () => {
		const title = 'Visible MOU';
		await signedMou(db.sql, world, { title, effectiveDate: '2027-10-01', dueOn: '2028-10-01' });
		await runReminderSweep(sweepDeps(), new Date('2028-09-01T13:00:00Z'));
		const mine = (await listMyReminders(db.sql, world.districtSignatory.user)).filter((r) => r.mouTitle === title);
		expect(mine.map((r) => [r.duePoint, r.status, r.dueOn])).toEqual([['before:30', 'sent', '2028-10-01']]);
		expect(await listMyReminders(db.sql, world.districtViewer.user)).toEqual([]);
		expect(await listOrganizationReminders(db.sql, world.districtSignatory.user)).toBeNull();
		const overseen = (await listOrganizationReminders(db.sql, world.district.user))!.filter((r) => r.mouTitle === title);
		expect(overseen.map((r) => r.toAddress).sort()).toEqual(world.districtEmails);
	});
});

describe('at most once, whatever runs', () => {
	test('two scheduler instances and two direct sweeps at the same moment: every reminder is sent once', async () => {
		const title = 'Concurrent MOU';
		await signedMou(db.sql, world, { title, effectiveDate: '2027-11-01', dueOn: '2028-11-01' });
		// A second app instance: its own connection pool (on PGlite, the one connection there is).
		const otherSql = db.url ? (postgres(db.url, { max: 5, onnotice: () => {} }) as unknown as Sql) : db.sql;
		const otherMailer = createMailer({ sql: otherSql, smtpUrl: smtp.url });
		const other = await startReminderScheduler({
			sql: otherSql,
			mailer: otherMailer,
			smtpUrl: smtp.url,
			origin: ORIGIN,
			cron: false,
			pollingIntervalSeconds: 0.5
		});
		try {
			const at = new Date('2028-10-02T13:00:00Z'); // 30 days before, 8:00 in Chicago
			await Promise.all([
				scheduler.runNow(at),
				other.runNow(at),
				scheduler.runNow(at),
				runReminderSweep(sweepDeps(), at),
				runReminderSweep({ ...sweepDeps(), sql: otherSql, mailer: otherMailer }, at)
			]);
			expect(recipientsFor(title)).toEqual(world.remindedEmails);
			const rows = await deliveries((await db.sql<{ id: string }[]>`select id from mous where title = ${title}`)[0].id);
			expect(rows.map((r) => r.email).sort()).toEqual(world.remindedEmails);
		} finally {
			await other.stop();
			otherMailer.close();
			if (otherSql !== db.sql) await otherSql.end();
		}
	});

	test('a sweep that stopped mid-way: what it had not started is sent once; what it was handing over goes again under the same Message-ID', async () => {
		const title = 'Crash MOU';
		const { mouId } = await signedMou(db.sql, world, { title, effectiveDate: '2027-12-01', dueOn: '2028-12-01' });
		const crashedAt = new Date('2028-10-02T13:00:00Z'); // 60 days before, 8:00 CDT
		// Sweep A claimed the point for two people and stopped: before the first attempt for one,
		// in the middle of handing the other's mail to the SMTP server.
		const [notStarted, midway] = await insertSending(mouId, [world.district.user.id, world.agency.user.id], crashedAt, [null, crashedAt]);

		// Within A's lease nobody touches them; the other four people are reminded.
		await scheduler.runNow(new Date(crashedAt.getTime() + 5 * 60_000));
		expect(recipientsFor(title)).toEqual(world.remindedEmails.filter((e) => e !== notStarted.email && e !== midway.email));
		// After the lease the next sweep takes them over.
		await scheduler.runNow(new Date(crashedAt.getTime() + 20 * 60_000));
		await scheduler.runNow(new Date(crashedAt.getTime() + 40 * 60_000));
		expect(mailsTo(notStarted.email, title)).toHaveLength(1);
		// The interrupted one may have arrived before the crash: it is handed over again, with the
		// Message-ID it had, so a second copy is recognisable as the same message.
		const resent = mailsTo(midway.email, title);
		expect(resent).toHaveLength(1);
		expect(resent[0].raw).toMatch(new RegExp(`^Message-ID: <reminder-${midway.id}@[^>]+>`, 'im'));
		const rows = await deliveries(mouId);
		expect(rows).toHaveLength(world.remindedEmails.length);
		expect(rows.every((r) => r.status === 'sent')).toBe(true);
		const overview = (await listOrganizationReminders(db.sql, world.agency.user))!.filter((r) => r.mouTitle === title && r.status === 'failed');
		expect(overview).toEqual([]);
	});

	test('without SMTP (mail kept in the outbox) an interrupted hand-over is traced in the outbox, never repeated', async () => {
		const title = 'Kept MOU';
		const { mouId } = await signedMou(db.sql, world, { title, effectiveDate: '2027-12-02', dueOn: '2028-12-02' });
		const keptMailer = createMailer({ sql: db.sql });
		const deps = { sql: db.sql, mailer: keptMailer, origin: ORIGIN };
		const crashedAt = new Date('2028-10-03T13:00:00Z');
		const [reached, lost] = await insertSending(mouId, [world.district.user.id, world.agency.user.id], crashedAt, [crashedAt, crashedAt]);
		// The mail layer had kept the first one before the sweep stopped.
		await keptMailer.send({ to: reached.email, subject: `Review due in 60 days: “${title}”`, text: `reference ${reached.id}`, html: '', organizationId: null });
		await runReminderSweep(deps, new Date(crashedAt.getTime() + 20 * 60_000));
		await runReminderSweep(deps, new Date(crashedAt.getTime() + 40 * 60_000));
		const kept = await db.sql<{ to: string }[]>`select to_address as to from outbox where subject like ${'%' + title + '%'}`;
		const count = (email: string) => kept.filter((k) => k.to === email).length;
		expect([count(reached.email), count(lost.email)]).toEqual([1, 1]);
		expect(world.remindedEmails.every((email) => count(email) === 1)).toBe(true);
		expect((await deliveries(mouId)).every((r) => r.status === 'kept')).toBe(true);
	});
});

/** Rows as a sweep leaves them when it stops after claiming: 'sending', its lease running from `at`. */
async function insertSending(mouId: string, userIds: string[], at: Date, attemptStartedAt: (Date | null)[]) {
	const rows: { id: string; email: string }[] = [];
	for (const [i, userId] of userIds.entries()) {
		const [row] = await db.sql<{ id: string; email: string }[]>`
			insert into reminder_deliveries (id, mou_id, user_id, due_on, due_point, scheduled_for, to_address, organization_id, subject,
				text_body, html_body, status, attempts, claimed_by, claimed_until, attempt_started_at, created_at)
			select gen_random_uuid(), ${mouId}, u.id, m.review_due_on, 'before:60', ${at}, u.email, mb.organization_id,
				${'Review due in 60 days: “' + (await titleOf(mouId)) + '”'}, 'Your review is due. reference', '<p>Your review is due.</p>',
				'sending', ${attemptStartedAt[i] ? 1 : 0}, 'sweep-a', ${new Date(at.getTime() + 15 * 60_000)}, ${attemptStartedAt[i]}, ${at}
			from users u join memberships mb on mb.user_id = u.id join mous m on m.id = ${mouId}
			where u.id = ${userId}
			returning id, to_address as email`;
		rows.push(row);
	}
	return rows;
}

async function titleOf(mouId: string) {
	const [row] = await db.sql<{ title: string }[]>`select title from mous where id = ${mouId}`;
	return row.title;
}

describe('a failing mail server', () => {
	test('refuses, then accepts: the reminder arrives late, once, and the failure was visible meanwhile', async () => {
		const title = 'Refused MOU';
		const { mouId } = await signedMou(db.sql, world, { title, effectiveDate: '2028-01-01', dueOn: '2029-01-01' });
		const minutes = (n: number) => new Date(due.getTime() + n * 60_000);
		smtp.setRefusing(true);
		const due = new Date('2028-11-02T13:00:00Z'); // 60 days before, 8:00 CDT
		expect((await scheduler.runNow(due)).failed).toBe(world.remindedEmails.length);
		expect(recipientsFor(title)).toEqual([]);

		const failed = await deliveries(mouId);
		expect(failed.every((r) => r.status === 'failed' && /refusal/.test(r.lastError ?? ''))).toBe(true);
		// Administrators see it, with when it will be tried again.
		const overview = (await listOrganizationReminders(db.sql, world.district.user))!.filter((r) => r.mouTitle === title);
		expect(overview.map((r) => [r.status, r.attempts, r.nextAttemptAt?.toISOString()])).toEqual([
			['failed', 1, minutes(15).toISOString()],
			['failed', 1, minutes(15).toISOString()]
		]);

		// Still refusing at the first retry: the next waits twice as long (back-off).
		expect((await scheduler.runNow(minutes(15))).failed).toBe(world.remindedEmails.length);
		smtp.setRefusing(false);
		await scheduler.runNow(minutes(30));
		expect(recipientsFor(title)).toEqual([]);
		await scheduler.runNow(minutes(45));
		expect(recipientsFor(title)).toEqual(world.remindedEmails);
		const delivered = await deliveries(mouId);
		expect(delivered.map((r) => r.status)).toEqual(Array(world.remindedEmails.length).fill('sent'));

		await scheduler.runNow(minutes(60));
		await scheduler.runNow(minutes(24 * 60));
		expect(recipientsFor(title)).toEqual(world.remindedEmails);
	});

	test('a failed reminder is not retried once the review has started', async () => {
		const title = 'Refused then reviewed MOU';
		const { mouId } = await signedMou(db.sql, world, { title, effectiveDate: '2028-01-02', dueOn: '2029-01-02' });
		smtp.setRefusing(true);
		const due = new Date('2028-11-03T13:00:00Z');
		await scheduler.runNow(due);
		smtp.setRefusing(false);
		expect((await startReview(sweepDeps(), world.agency.user, mouId, new Date(due.getTime() + 60_000)))?.ok).toBe(true);
		await scheduler.runNow(new Date(due.getTime() + 20 * 60_000));
		expect(recipientsFor(title)).toEqual([]);
		expect((await deliveries(mouId)).map((r) => r.status)).toEqual(Array(world.remindedEmails.length).fill('cancelled'));
	});
});

describe('when reminders stop', () => {
	const deps = sweepDeps;

	test('once counsel starts the review', async () => {
		const title = 'Reviewed MOU';
		const { mouId } = await signedMou(db.sql, world, { title, effectiveDate: '2028-02-01', dueOn: '2029-02-01' });
		await scheduler.runNow(new Date('2028-12-03T14:00:00Z')); // 60 days before, 8:00 CST
		expect(recipientsFor(title)).toHaveLength(world.remindedEmails.length);
		const started = await startReview(deps(), world.district.user, mouId, new Date('2028-12-10T16:00:00Z'));
		expect(started?.ok).toBe(true);
		smtp.received.length = 0;
		for (const day of ['2029-01-02', '2029-02-01', '2029-03-01']) await scheduler.runNow(new Date(`${day}T15:00:00Z`));
		expect(recipientsFor(title)).toEqual([]);
	});

	test('once both parties confirm: the old date stops, and the next cycle reminds a full interval later', async () => {
		const title = 'Confirmed MOU';
		const { mouId } = await signedMou(db.sql, world, { title, effectiveDate: '2028-03-01', dueOn: '2029-03-01' });
		const confirmedAt = new Date('2029-01-20T16:00:00Z');
		expect((await confirmReview(deps(), world.agency.user, mouId, confirmedAt))?.ok).toBe(true);
		// Only the party still to confirm is reminded.
		await scheduler.runNow(new Date('2029-02-15T14:00:00Z')); // 14 days before
		expect(recipientsFor(title)).toEqual(world.districtEmails);

		const done = await confirmReview(deps(), world.district.user, mouId, new Date('2029-02-16T16:00:00Z'));
		expect(done).toEqual({ ok: true, value: { completed: true, reviewedDueOn: '2029-03-01', nextDueOn: '2030-03-01' } });
		smtp.received.length = 0;
		for (const day of ['2029-02-22', '2029-03-01', '2029-03-08', '2029-12-01']) await scheduler.runNow(new Date(`${day}T14:00:00Z`));
		expect(recipientsFor(title)).toEqual([]);
		await scheduler.runNow(new Date('2029-12-31T14:00:00Z')); // 60 days before 1 March 2030
		expect(recipientsFor(title)).toEqual(world.remindedEmails);
	});

	test('when the MOU is terminated', async () => {
		const title = 'Terminated MOU';
		const { mouId } = await signedMou(db.sql, world, { title, effectiveDate: '2028-04-01', dueOn: '2029-04-01' });
		await db.sql`update mous set status = 'terminated' where id = ${mouId}`;
		for (const day of ['2029-01-31', '2029-04-01', '2029-05-01']) await scheduler.runNow(new Date(`${day}T14:00:00Z`));
		expect(recipientsFor(title)).toEqual([]);
	});
});

describe('the schedule of one MOU', () => {
	test('administrators change it; everyone else is refused; the sweep follows it', async () => {
		const title = 'Custom schedule MOU';
		const { mouId } = await signedMou(db.sql, world, { title, effectiveDate: '2028-05-01', dueOn: '2029-05-01' });
		const input = { daysBefore: '45, 10', overdueEveryDays: '', sendHour: '6', timeZone: 'America/New_York' };
		const refused = await updateSchedule(db.sql, world.districtSignatory.user, mouId, input);
		expect(refused).toEqual({ ok: false, error: { code: 'forbidden', message: 'Only an administrator can change the reminder schedule.' } });
		expect(await updateSchedule(db.sql, world.agency.user, mouId, { ...input, sendHour: '25', timeZone: 'New York' })).toEqual({
			ok: false,
			error: {
				code: 'invalid_input',
				message: expect.any(String),
				fields: { sendHour: expect.any(String), timeZone: expect.stringMatching(/not an IANA time zone/) }
			}
		});
		const saved = await updateSchedule(db.sql, world.agency.user, mouId, input, new Date('2029-01-05T12:00:00Z'));
		expect(saved).toEqual({ ok: true, value: { daysBefore: [45, 10], overdueEveryDays: null, sendHour: 6, timeZone: 'America/New_York' } });
		const [event] = await db.sql`select summary from mou_events where mou_id = ${mouId} and kind = 'reminder_schedule_changed'`;
		expect(event.summary).toMatch(/45, 10 days before the due date; none once overdue; at 06:00 America\/New_York/);

		// 45 days before 1 May 2029 is 17 March, 6:00 EDT = 10:00 UTC.
		await scheduler.runNow(new Date('2029-03-17T09:59:00Z'));
		expect(recipientsFor(title)).toEqual([]);
		await scheduler.runNow(new Date('2029-03-17T10:00:00Z'));
		expect(recipientsFor(title)).toEqual(world.remindedEmails);
		await scheduler.runNow(new Date('2029-04-01T10:00:00Z')); // 30 days before: not in this schedule
		await scheduler.runNow(new Date('2029-04-21T10:00:00Z')); // 10 days before
		expect(recipientsFor(title)).toHaveLength(2 * world.remindedEmails.length);
		await scheduler.runNow(new Date('2029-05-08T10:00:00Z')); // a week overdue: no repeats chosen
		expect(recipientsFor(title)).toHaveLength(2 * world.remindedEmails.length);
	});
});

describe('the durable jobs', () => {
	test('pg-boss holds the schedules in PostgreSQL; the signing duties run on the same pg-boss', async () => {
		const crons = await startReminderScheduler({ sql: db.sql, mailer, smtpUrl: smtp.url, origin: ORIGIN, pollingIntervalSeconds: 0.5 });
		try {
			const schedules = await db.sql<{ name: string; cron: string }[]>`select name, cron from pgboss.schedule order by name`;
			expect(schedules).toEqual([
				{ name: 'reminders.tick', cron: '*/15 * * * *' },
				{ name: 'signing.duties', cron: '*/5 * * * *' }
			]);
			expect(await scheduler.runDuty(SIGNING_QUEUE, new Date('2028-01-01T00:00:00Z'))).toEqual({ expired: 0, reminded: 0, sent: 0, delivered: 0 });
			// A job's data is stored as JSON, not as a JSON string (the postgres.js bridge).
			const [job] = await db.sql<{ data: unknown }[]>`select data from pgboss.job where name = 'signing.duties' limit 1`;
			expect(job.data).toEqual({ at: '2028-01-01T00:00:00.000Z' });
		} finally {
			await crons.stop();
		}
	});
});
