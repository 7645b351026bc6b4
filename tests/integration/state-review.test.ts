import { describe, expect, test } from 'vitest';
import type { Mailer } from '../../src/lib/server/mail';
import { approveDraft } from '../../src/lib/server/negotiation';
import { confirmReview, loadReviewPage, recordReviewStep, reviewStepFile, startReview, type StepInput } from '../../src/lib/server/reviews';
import { createOrganization } from '../helpers/fixtures';
import type { Database } from '../../src/lib/server/db';
import { signedMou, type ReminderWorld, withReminderWorld } from './reminders-world';

let db: Database;
let mailer: Mailer;
let world: ReminderWorld;
const deps = () => ({ sql: db.sql, mailer, origin: 'http://mou.test' });
const now = new Date('2028-07-01T15:00:00Z');

withReminderWorld((made) => ({ db, mailer, world } = made));

const resolutionPdf = () => new File([new TextEncoder().encode('%PDF-1.4 resolution 2028-14')], 'Resolution 2028-14.pdf', { type: 'application/pdf' });

const STEPS: Record<string, StepInput> = {
	notice: { kind: 'public_notice', occurredOn: '2028-05-01', meetingOn: '2028-05-20', where: 'District website and the Springfield Journal' },
	input: {
		kind: 'community_input',
		occurredOn: '2028-06-01',
		received: '14',
		summary: 'Parents asked for clearer rules on questioning students; two students spoke about the SRO at events.'
	},
	data: {
		kind: 'data_report',
		occurredOn: '2028-06-15',
		arrests: '3',
		citations: '0',
		useOfForce: '1',
		complaints: '2',
		byRace: 'Arrests: Black 1, Hispanic 1, White 1. Use of force: White 1. Discipline referrals: Black 4, Hispanic 3, White 5.',
		byDisability: 'Arrests: IEP 1, Section 504 0, neither 2. Use of force: IEP 0, Section 504 0, neither 1.'
	},
	adoption: { kind: 'board_adoption', occurredOn: '2028-06-25', resolution: '2028-14' }
};

async function record(mouId: string, step: StepInput, who = world.district) {
	const result = await recordReviewStep(deps(), who.user, mouId, step, now);
	if (!result?.ok) throw new Error(JSON.stringify(result));
	return result.value.id;
}

describe('Washington: the review is a record', () => {
	test('cannot close without the public notice, community input, data report and board adoption; then closes and lists them', async () => {
		const { mouId } = await signedMou(db.sql, world, { title: 'Olympia MOU', effectiveDate: '2027-08-01', dueOn: '2028-08-01', state: 'wa' });
		const refused = await confirmReview(deps(), world.agency.user, mouId, now);
		expect(refused).toMatchObject({ ok: false, error: { code: 'not_now' } });
		expect(refused?.ok === false && refused.error.message).toMatch(
			/Washington law \(RCW 28A\.320\.1242\(1\)\) requires the review record to show: public notice and meeting, community input, data report for the year, board adoption/
		);

		await record(mouId, STEPS.notice);
		await record(mouId, STEPS.input, world.agency);
		// Washington asks for the figures by race and by IEP/504 status (RCW 28A.320.1242): the four totals alone are refused.
		const totalsOnly = await recordReviewStep(deps(), world.district.user, mouId, { ...STEPS.data, byRace: '', byDisability: ' ' }, now);
		expect(totalsOnly).toMatchObject({
			ok: false,
			error: {
				code: 'invalid_input',
				fields: {
					byRace: 'The law here asks for the figures by race and ethnicity: enter them, or attach the report.',
					byDisability: 'The law here asks for the figures by IEP or Section 504 status: enter them, or attach the report.'
				}
			}
		});
		await record(mouId, STEPS.data);
		const [stored] = await db.sql`select details from review_steps where mou_id = ${mouId} and kind = 'data_report' and occurred_on = '2028-06-15'`;
		expect(stored.details).toMatchObject({
			arrests: 3,
			byRace: expect.stringMatching(/^Arrests: Black 1/),
			byDisability: expect.stringMatching(/^Arrests: IEP 1/)
		});
		const stillRefused = await confirmReview(deps(), world.agency.user, mouId, now);
		expect(stillRefused?.ok === false && stillRefused.error.message).toMatch(/requires the review record to show: board adoption\./);
		const page = await loadReviewPage(db.sql, world.agency.user, mouId, now);
		expect(page?.record?.missing).toEqual(['board_adoption']);
		expect(page?.confirmBlocked).toMatch(/board adoption/);

		// Board adoption needs its resolution number and the document.
		const noFile = await recordReviewStep(deps(), world.district.user, mouId, STEPS.adoption, now);
		expect(noFile).toMatchObject({ ok: false, error: { code: 'invalid_input', fields: { file: expect.stringMatching(/Attach/) } } });
		const adoptionId = await record(mouId, { ...STEPS.adoption, file: resolutionPdf() });

		expect((await confirmReview(deps(), world.agency.user, mouId, now))?.ok).toBe(true);
		const done = await confirmReview(deps(), world.district.user, mouId, now);
		expect(done).toEqual({ ok: true, value: { completed: true, reviewedDueOn: '2028-08-01', nextDueOn: '2029-08-01' } });
		const [event] = await db.sql`select summary, detail from mou_events where mou_id = ${mouId} and kind = 'review_confirmed'`;
		expect(event.summary).toMatch(
			/recorded: public notice and meeting \(2028-05-01\), community input \(2028-06-01\), data report for the year \(2028-06-15\), board adoption \(2028-06-25\)/
		);
		expect(event.detail.steps.map((s: { kind: string }) => s.kind)).toEqual(['public_notice', 'community_input', 'data_report', 'board_adoption']);

		// The file is the parties' alone.
		const file = await reviewStepFile(db.sql, world.agency.user, mouId, adoptionId);
		expect(new TextDecoder().decode(file!.data)).toBe('%PDF-1.4 resolution 2028-14');
		const stranger = await createOrganization(db.sql, 'district');
		expect(await reviewStepFile(db.sql, stranger.user, mouId, adoptionId)).toBeNull();
	});

	test('a data report attached as a file stands for the breakdowns', async () => {
		const { mouId } = await signedMou(db.sql, world, { title: 'Report as file', effectiveDate: '2027-08-01', dueOn: '2028-08-01', state: 'wa' });
		const report = new File([new TextEncoder().encode('%PDF-1.4 data report')], 'SRO data 2027-28.pdf', { type: 'application/pdf' });
		expect((await recordReviewStep(deps(), world.district.user, mouId, { kind: 'data_report', occurredOn: '2028-06-14', file: report }, now))?.ok).toBe(true);
		// Outside Washington the figures alone do.
		const plain = await signedMou(db.sql, world, { title: 'No state', effectiveDate: '2027-08-01', dueOn: '2028-08-01' });
		expect((await recordReviewStep(deps(), world.district.user, plain.mouId, { ...STEPS.data, byRace: '', byDisability: '' }, now))?.ok).toBe(true);
	});

	test('its interval cannot exceed 12 months, even if the stored interval says more', async () => {
		const { mouId } = await signedMou(db.sql, world, {
			title: 'Long interval',
			effectiveDate: '2027-08-01',
			dueOn: '2028-08-01',
			intervalMonths: 18,
			state: 'wa'
		});
		for (const step of [STEPS.notice, STEPS.input, STEPS.data, { ...STEPS.adoption, file: resolutionPdf() }]) await record(mouId, step);
		await confirmReview(deps(), world.agency.user, mouId, now);
		expect(await confirmReview(deps(), world.district.user, mouId, now)).toMatchObject({ ok: true, value: { nextDueOn: '2029-08-01' } });
	});

	test('a review draft cannot be approved while its review record lacks what the law requires', async () => {
		const { mouId } = await signedMou(db.sql, world, { title: 'Draft path', effectiveDate: '2027-08-01', dueOn: '2028-08-01', state: 'wa' });
		const started = await startReview(deps(), world.agency.user, mouId, now);
		const draftId = started?.ok ? started.value.mouId : '';
		const [draft] = await db.sql`select state_code from mous where id = ${draftId}`;
		expect(draft.state_code).toBe('wa');
		const refused = await approveDraft(deps(), world.agency.user, draftId, now);
		expect(refused?.ok === false && refused.error.problems?.join('\n')).toMatch(
			/requires the review record to show: public notice and meeting, community input/
		);
	});
});

describe('who may add to the record', () => {
	test('only counsel of a party, only for a signed MOU, and only what each step needs', async () => {
		const { mouId } = await signedMou(db.sql, world, { title: 'Guarded', effectiveDate: '2027-08-01', dueOn: '2028-08-01', state: 'il' });
		expect(await recordReviewStep(deps(), world.districtViewer.user, mouId, STEPS.notice, now)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
		const stranger = await createOrganization(db.sql, 'agency');
		expect(await recordReviewStep(deps(), stranger.user, mouId, STEPS.notice, now)).toBeNull();
		expect(await recordReviewStep(deps(), world.district.user, mouId, { ...STEPS.notice, meetingOn: '2028-04-01' }, now)).toMatchObject({
			ok: false,
			error: { fields: { meetingOn: 'The meeting cannot be before the notice was given.' } }
		});
		expect(await recordReviewStep(deps(), world.district.user, mouId, { kind: 'data_report', occurredOn: '2028-06-15', arrests: '3' }, now)).toMatchObject({
			ok: false,
			error: { fields: { file: 'Attach the report, or enter all four figures.' } }
		});
		// Illinois requires community input and the data report, not a board vote.
		const page = await loadReviewPage(db.sql, world.district.user, mouId, now);
		expect(page?.record?.required).toEqual(['community_input', 'data_report']);
	});

	test('with no state profile the steps stay optional and confirming works as before', async () => {
		const { mouId } = await signedMou(db.sql, world, { title: 'Plain', effectiveDate: '2027-08-01', dueOn: '2028-08-01' });
		expect((await confirmReview(deps(), world.agency.user, mouId, now))?.ok).toBe(true);
		expect((await confirmReview(deps(), world.district.user, mouId, now))?.ok).toBe(true);
	});
});

describe('reminders say what the record still lacks', () => {
	test('a Washington reminder names the missing steps', async () => {
		const { runReminderSweep } = await import('../../src/lib/server/reminders');
		const { mouId } = await signedMou(db.sql, world, { title: 'Reminded MOU', effectiveDate: '2027-08-01', dueOn: '2028-08-01', state: 'wa' });
		await record(mouId, STEPS.notice);
		// 30 days before, 08:00 in Chicago.
		await runReminderSweep({ sql: db.sql, mailer, origin: 'http://mou.test' }, new Date('2028-07-02T13:05:00Z'));
		const [mail] = await db.sql`select text_body from reminder_deliveries where mou_id = ${mouId} limit 1`;
		expect(mail.text_body).toMatch(
			/Washington law requires its record to show what is still missing: community input, data report for the year, board adoption/
		);
	});
});
