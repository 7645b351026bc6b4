import { describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mailer } from '../../src/lib/server/mail';
import { dryRunSweep, runReminderSweep, upcomingReminders } from '../../src/lib/server/reminders';
import type { TestDatabase } from '../helpers/db';
import { signedMou, type ReminderWorld, withReminderWorld } from './reminders-world';

const run = promisify(execFile);
let db: TestDatabase;
let mailer: Mailer;
let world: ReminderWorld;

withReminderWorld((made) => ({ db, mailer, world } = made));

// 60 days before 2027-05-13 is 2027-03-14, the day US clocks go forward: 08:00 in Chicago is 13:00Z.
const sixtyBefore = new Date('2027-03-14T13:00:00Z');

describe('what the reminder job will send, without sending', () => {
	test('a dry run at an instant lists each reminder a sweep would send, and sends none', async () => {
		const { mouId } = await signedMou(db.sql, world, { title: 'Springfield IL MOU', effectiveDate: '2026-05-13', dueOn: '2027-05-13', state: 'il' });
		expect(await dryRunSweep(db.sql, new Date('2027-03-14T12:59:00Z'))).toEqual([]);
		const planned = await dryRunSweep(db.sql, sixtyBefore);
		expect(planned.map((p) => p.recipient.email).sort()).toEqual(world.remindedEmails);
		expect(planned[0]).toMatchObject({ mouTitle: 'Springfield IL MOU', duePoint: 'before:60', pointLabel: '60 days before', districtZone: 'America/Chicago' });
		expect(planned[0].whenInDistrictZone).toMatch(/March 14, 2027 at 8:00 AM CDT/);
		const [{ count }] = await db.sql`select count(*)::int as count from reminder_deliveries where mou_id = ${mouId}`;
		expect(count).toBe(0);

		// Once a real sweep has sent them, the dry run has nothing left for that point.
		await runReminderSweep({ sql: db.sql, mailer, origin: 'http://mou.test' }, sixtyBefore);
		expect(await dryRunSweep(db.sql, new Date(sixtyBefore.getTime() + 60_000))).toEqual([]);
	});

	test('npm run reminders -- --as-of … --dry-run prints them', async () => {
		await signedMou(db.sql, world, { title: 'Command MOU', effectiveDate: '2026-06-01', dueOn: '2027-06-01' });
		const args = ['tsx', 'scripts/reminders.ts', '--as-of', '2027-04-02T08:00', '--zone', 'America/Chicago', '--dry-run'];
		if (!db.url) {
			// On the embedded database of this suite (held open by this process) the command cannot look in; it reads
			// an embedded database of its own, as it does beside a stopped app.
			const dataDir = mkdtempSync(join(tmpdir(), 'mou-reminders-'));
			const { stdout } = await run('npx', args, { env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir }, timeout: 120_000 });
			expect(stdout).toMatch(/A sweep at 2027-04-02T13:00:00\.000Z would send no reminders\./);
			return;
		}
		const { stdout } = await run('npx', args, { env: { ...process.env, DATABASE_URL: db.url }, timeout: 60_000 });
		expect(stdout).toMatch(/A sweep at 2027-04-02T13:00:00\.000Z would send 6 reminders \(dry run: nothing sent\)/);
		expect(stdout).toMatch(/Command MOU — review due 2027-06-01, 60 days before \(before:60\)/);
		expect(stdout).toContain(world.district.email);
		const [{ count }] = await db.sql`select count(*)::int as count from reminder_deliveries d join mous m on m.id = d.mou_id where m.title = 'Command MOU'`;
		expect(count).toBe(0);
	}, 150_000);

	test('administrators see the next reminder per MOU, to whom, in each person’s zone; others’ addresses stay theirs', async () => {
		await db.sql`update organizations set time_zone = 'America/New_York' where id = ${world.agency.user.organizationId}`;
		await signedMou(db.sql, world, { title: 'Upcoming MOU', effectiveDate: '2026-09-01', dueOn: '2027-09-01' });
		const rows = (await upcomingReminders(db.sql, world.agencyAdminViewer.user, new Date('2027-06-01T12:00:00Z')))!.filter(
			(r) => r.mouTitle === 'Upcoming MOU'
		);
		expect(rows.map((r) => r.duePoint)).toEqual(Array(world.remindedEmails.length).fill('before:60'));
		const agencyRow = rows.find((r) => r.recipient.userId === world.agency.user.id)!;
		expect([agencyRow.recipient.timeZone, agencyRow.whenInTheirZone]).toEqual(['America/New_York', expect.stringMatching(/July 3, 2027 at 9:00 AM EDT/)]);
		expect(agencyRow.whenInDistrictZone).toMatch(/8:00 AM CDT/);
		expect(agencyRow.recipient.email).toBe(world.agency.email);
		expect(rows.find((r) => r.recipient.userId === world.district.user.id)!.recipient.email).toBe('');
		expect(await upcomingReminders(db.sql, world.agencySignatory.user, new Date())).toBeNull();
	});
});

describe('reminders of the term’s end and of the non-renewal notice deadline', () => {
	test('the upcoming reminders list the next of each kind: the review, the term’s end, the notice deadline', async () => {
		// Term ends 2028-07-31 with 60 days' notice (the last day 2028-06-01); the review is due 2028-08-01.
		await signedMou(db.sql, world, {
			title: 'Three kinds MOU',
			effectiveDate: '2027-08-01',
			dueOn: '2028-08-01',
			terms: { term_end: '2028-07-31', nonrenewal_notice_days: '60' }
		});
		const rows = (await upcomingReminders(db.sql, world.agencyAdminViewer.user, new Date('2028-05-10T12:00:00Z')))!.filter(
			(r) => r.mouTitle === 'Three kinds MOU' && r.recipient.userId === world.agency.user.id
		);
		// In the order they go: 2028-05-25, 2028-06-01, 2028-06-02.
		expect(rows.map((r) => [r.kind, r.dueOn, r.duePoint, r.pointLabel])).toEqual([
			['notice', '2028-06-01', 'notice:7', '7 days before the non-renewal notice deadline'],
			['term-end', '2028-07-31', 'term-end:60', '60 days before the term ends'],
			['review', '2028-08-01', 'before:60', '60 days before']
		]);
	});

	test('go at 60, 30, 7 days before and on the day, once each, and the dry run shows them first', async () => {
		// Term ends 2028-07-31; 60 days' notice of non-renewal: the last day is 2028-06-01.
		const { mouId } = await signedMou(db.sql, world, {
			title: 'Term MOU',
			effectiveDate: '2027-08-01',
			dueOn: '2028-08-01',
			terms: { term_end: '2028-07-31', nonrenewal_notice_days: '60', termination_notice_days: '60' }
		});
		const deps = { sql: db.sql, mailer, origin: 'http://mou.test' };
		// 2028-05-02 08:00 CDT: 30 days before the notice deadline (and 90 before the term ends: nothing for it).
		const at = new Date('2028-05-02T13:00:00Z');
		const planned = (await dryRunSweep(db.sql, at)).filter((p) => p.mouTitle === 'Term MOU');
		expect([...new Set(planned.map((p) => `${p.duePoint} ${p.dueOn} ${p.pointLabel}`))]).toEqual([
			'notice:30 2028-06-01 30 days before the non-renewal notice deadline'
		]);
		await runReminderSweep(deps, at);
		await runReminderSweep(deps, new Date(at.getTime() + 3_600_000));
		const rows = await db.sql`select due_point, to_char(due_on, 'YYYY-MM-DD') as due_on, subject from reminder_deliveries where mou_id = ${mouId}`;
		expect(rows).toHaveLength(world.remindedEmails.length);
		expect(rows[0]).toMatchObject({ due_point: 'notice:30', due_on: '2028-06-01', subject: 'Non-renewal notice due in 30 days: “Term MOU”' });
		const [mail] = await db.sql`select text_body from reminder_deliveries where mou_id = ${mouId} limit 1`;
		expect(mail.text_body).toMatch(/The last day for either party to give written notice that “Term MOU” will not renew is in 30 days, on June 1, 2028/);

		// On the day the term ends (the review's own reminder, 1 day before its due date, is not due then).
		await runReminderSweep(deps, new Date('2028-07-31T13:00:00Z'));
		const ending = await db.sql`select subject from reminder_deliveries where mou_id = ${mouId} and due_point = 'term-end:0'`;
		expect(ending.map((r) => r.subject)).toEqual(Array(world.remindedEmails.length).fill('Term ends today: “Term MOU”'));
	});
});
