import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { loadDocumentState } from '../../src/lib/server/collab';
import type { Mailer } from '../../src/lib/server/mail';
import { listMous } from '../../src/lib/server/mous';
import { byUrgency, reviewOverview } from '../../src/lib/server/reminders';
import { confirmReview, loadReviewPage, reviewBaseline, reviewTitle, startReview } from '../../src/lib/server/reviews';
import { createMouBetween } from '../helpers/fixtures';
import type { Database } from '../../src/lib/server/db';
import { reminderWorld, signedMou, type ReminderWorld, withReminderWorld } from './reminders-world';

let db: Database;
let mailer: Mailer;
let world: ReminderWorld;
const deps = () => ({ sql: db.sql, mailer, origin: 'http://mou.test' });

withReminderWorld((made) => ({ db, mailer, world } = made));

describe('starting the annual review', () => {
	test('counsel of either party starts a new draft whose starting text is exactly the signed version', async () => {
		const { mouId, state, versionId } = await signedMou(db.sql, world, { title: 'Springfield SRO MOU', effectiveDate: '2027-08-01', dueOn: '2028-08-01' });
		const now = new Date('2028-06-10T15:00:00Z');
		const started = await startReview(deps(), world.district.user, mouId, now);
		expect(started).toEqual({ ok: true, value: { mouId: expect.any(String), title: 'Springfield SRO MOU — 2028 review' } });
		const draftId = started!.ok ? started!.value.mouId : '';

		const [draft] = await db.sql`select status, reviews_mou_id, template_id, created_by from mous where id = ${draftId}`;
		expect(draft).toMatchObject({ status: 'negotiating', reviews_mou_id: mouId, created_by: world.district.user.id });
		const parties = await db.sql`select organization_id, side from mou_parties where mou_id = ${draftId} order by side`;
		expect(parties.map((p) => [p.side, p.organization_id])).toEqual([
			['agency', world.agency.user.organizationId],
			['district', world.district.user.organizationId]
		]);
		// The draft's document is the agreed state, byte for byte: history continues from it.
		expect(Buffer.from(await loadDocumentState(db.sql, draftId)).equals(Buffer.from(state))).toBe(true);
		const a = new Y.Doc();
		Y.applyUpdate(a, await loadDocumentState(db.sql, draftId));
		expect(a.getMap('terms').toJSON()).toEqual(
			(() => {
				const b = new Y.Doc();
				Y.applyUpdate(b, state);
				return b.getMap('terms').toJSON();
			})()
		);

		// The signed MOU is untouched and still readable; both histories say what happened.
		const [signed] = await db.sql`select status from mous where id = ${mouId}`;
		expect(signed.status).toBe('signed');
		const events = await db.sql`select mou_id, kind, summary from mou_events where kind = 'review_started' and mou_id in (${mouId}, ${draftId})`;
		expect(events).toHaveLength(2);
		expect(events.find((e) => e.mou_id === draftId)!.summary).toBe('Started the 2028 review from the signed text of “Springfield SRO MOU”');

		// The compare view's default baseline: the signed text.
		const baseline = await reviewBaseline(db.sql, draftId);
		expect(baseline).toMatchObject({ mouId, versionId, title: 'Springfield SRO MOU' });
		expect(Buffer.from(baseline!.state).equals(Buffer.from(state))).toBe(true);
		expect(await reviewBaseline(db.sql, mouId)).toBeNull();

		// The other party's counsel is told.
		const mail = await db.sql`select to_address, subject from outbox where subject = 'Review started: “Springfield SRO MOU”'`;
		expect(mail.map((m) => m.to_address).sort()).toEqual([world.agency.email, world.agencySecondCounsel.email].sort());

		// Only one review at a time.
		const again = await startReview(deps(), world.agency.user, mouId, now);
		expect(again).toEqual({
			ok: false,
			error: { code: 'not_now', message: 'The review of this MOU has already started: “Springfield SRO MOU — 2028 review”.' }
		});
	});

	test('two counsel pressing at once start one review', async () => {
		const { mouId } = await signedMou(db.sql, world, { title: 'Race MOU', effectiveDate: '2027-08-01', dueOn: '2028-08-01' });
		const results = await Promise.all([startReview(deps(), world.agency.user, mouId), startReview(deps(), world.district.user, mouId)]);
		expect(results.filter((r) => r?.ok)).toHaveLength(1);
		const drafts = await db.sql`select id from mous where reviews_mou_id = ${mouId}`;
		expect(drafts).toHaveLength(1);
	});

	test('only counsel, only from a signed MOU, only for its parties', async () => {
		const { mouId } = await signedMou(db.sql, world, { title: 'Guarded MOU', effectiveDate: '2027-08-01', dueOn: '2028-08-01' });
		expect(await startReview(deps(), world.districtSignatory.user, mouId)).toEqual({
			ok: false,
			error: { code: 'forbidden', message: 'Only counsel can start the review of an MOU.' }
		});
		const negotiating = await createMouBetween(db.sql, world.agency, world.district, 'Unsigned MOU');
		expect((await startReview(deps(), world.agency.user, negotiating))?.ok).toBe(false);
		const stranger = await reminderWorld(db.sql);
		expect(await startReview(deps(), stranger.agency.user, mouId)).toBeNull();
		expect(await startReview(deps(), world.agency.user, 'not-a-uuid')).toBeNull();
	});

	test('titles: the year of the review, never stacked, never too long', () => {
		expect(reviewTitle('SRO MOU — 2028 review', 2029)).toBe('SRO MOU — 2029 review');
		expect(reviewTitle('x'.repeat(300), 2028)).toHaveLength(300);
	});
});

describe('confirming without changes', () => {
	test('each party’s counsel confirms; with both, the due date moves a full interval from the previous one and the history says so', async () => {
		const { mouId } = await signedMou(db.sql, world, { title: 'Quiet year MOU', effectiveDate: '2027-01-31', dueOn: '2028-01-31', intervalMonths: 13 });
		const early = await confirmReview(deps(), world.agency.user, mouId, new Date('2027-09-01T15:00:00Z'));
		expect(early).toEqual({
			ok: false,
			error: { code: 'not_now', message: 'The review due on January 31, 2028 can be confirmed from November 2, 2027, 90 days before it is due.' }
		});
		expect(await confirmReview(deps(), world.agencySignatory.user, mouId)).toEqual({
			ok: false,
			error: { code: 'forbidden', message: 'Only counsel can confirm the review for their party.' }
		});

		const first = await confirmReview(deps(), world.agency.user, mouId, new Date('2028-01-10T15:00:00Z'));
		expect(first).toEqual({ ok: true, value: { completed: false, reviewedDueOn: '2028-01-31', nextDueOn: null } });
		const twice = await confirmReview(deps(), world.agencySecondCounsel.user, mouId, new Date('2028-01-11T15:00:00Z'));
		expect(twice?.ok).toBe(false);

		const page = await loadReviewPage(db.sql, world.district.user, mouId, new Date('2028-01-12T15:00:00Z'));
		expect(page!.confirmations.map((c) => [c.side, c.confirmedBy])).toEqual([
			['agency', world.agency.user.name],
			['district', null]
		]);
		expect(page!.canConfirm).toBe(true);
		expect(page!.pastReviews).toEqual([]); // half confirmed is not completed

		const second = await confirmReview(deps(), world.district.user, mouId, new Date('2028-02-03T15:00:00Z'));
		// 31 January + 13 months: the last day of February 2029.
		expect(second).toEqual({ ok: true, value: { completed: true, reviewedDueOn: '2028-01-31', nextDueOn: '2029-02-28' } });
		const [mou] = await db.sql`select to_char(review_due_on, 'YYYY-MM-DD') as due from mous where id = ${mouId}`;
		expect(mou.due).toBe('2029-02-28');
		const [event] = await db.sql`select summary, detail from mou_events where mou_id = ${mouId} and kind = 'review_confirmed'`;
		expect(event.summary).toBe(
			'Review completed without changes on February 3, 2028: both parties confirmed; 0 public comments accepted. Next review due February 28, 2029.'
		);
		expect(event.detail).toMatchObject({
			reviewedOn: '2028-02-03',
			reviewedDueOn: '2028-01-31',
			nextDueOn: '2029-02-28',
			intervalMonths: 13,
			publicComments: 0
		});
		// A new cycle: nobody has confirmed it yet.
		const after = await loadReviewPage(db.sql, world.agency.user, mouId, new Date('2028-02-03T16:00:00Z'));
		expect(after!.confirmations.every((c) => c.confirmedBy === null)).toBe(true);
		expect(after!.dueOn).toBe('2029-02-28');
		// The completed review is listed apart from the new one, with its date, steps and comments.
		expect(after!.pastReviews).toEqual([
			{
				completedAt: new Date('2028-02-03T15:00:00Z'),
				dueOnText: 'January 31, 2028',
				how: 'Confirmed without changes by both parties',
				steps: [],
				publicComments: 0
			}
		]);
		expect(after!.record?.dueOn).toBe('2029-02-28');
	});

	test('not while a review draft is under way', async () => {
		const { mouId } = await signedMou(db.sql, world, { title: 'Drafting MOU', effectiveDate: '2027-03-01', dueOn: '2028-03-01' });
		await startReview(deps(), world.agency.user, mouId, new Date('2028-02-01T15:00:00Z'));
		const refused = await confirmReview(deps(), world.district.user, mouId, new Date('2028-02-02T15:00:00Z'));
		expect(refused).toEqual({ ok: false, error: { code: 'not_now', message: 'The review is under way in “Drafting MOU — 2028 review”: finish it there.' } });
	});
});

describe('the dashboard', () => {
	test('every MOU with its review standing, most urgent first, overdue marked in words', async () => {
		const people = await reminderWorld(db.sql);
		const now = new Date('2028-09-01T15:00:00Z');
		const overdue = await signedMou(db.sql, people, { title: 'Overdue', effectiveDate: '2027-08-01', dueOn: '2028-08-01' });
		const longOverdue = await signedMou(db.sql, people, { title: 'Long overdue', effectiveDate: '2027-06-01', dueOn: '2028-06-01' });
		const soon = await signedMou(db.sql, people, { title: 'Due soon', effectiveDate: '2027-09-20', dueOn: '2028-09-20' });
		const later = await signedMou(db.sql, people, { title: 'Due later', effectiveDate: '2028-03-01', dueOn: '2029-03-01' });
		const reviewed = await signedMou(db.sql, people, { title: 'Under review', effectiveDate: '2027-10-01', dueOn: '2028-10-01' });
		const review = await startReview(deps(), people.agency.user, reviewed.mouId, now);
		await createMouBetween(db.sql, people.agency, people.district, 'Still negotiating');

		const mous = await listMous(db.sql, people.district.user);
		const overview = await reviewOverview(
			db.sql,
			mous.map((m) => m.id),
			now
		);
		const sorted = byUrgency(mous, overview).map((m) => [m.title, overview.get(m.id)!.label]);
		expect(sorted).toEqual([
			['Long overdue', 'Overdue by 92 days'],
			['Overdue', 'Overdue by 31 days'],
			['Due soon', 'Due in 19 days'],
			[expect.stringMatching(/^Under review/), expect.stringMatching(/^Review (under way|draft) — due in 30 days$/)],
			[expect.stringMatching(/^Under review/), expect.stringMatching(/^Review (under way|draft) — due in 30 days$/)],
			['Due later', 'Due in 181 days'],
			['Still negotiating', 'Set when signed']
		]);
		expect(overview.get(overdue.mouId)!.state).toBe('overdue');
		expect(overview.get(longOverdue.mouId)!.dueOnText).toBe('June 1, 2028');
		expect(overview.get(soon.mouId)!.state).toBe('due-soon');
		expect(overview.get(later.mouId)!.state).toBe('scheduled');
		expect(overview.get(reviewed.mouId)!.link?.href).toBe(`/mous/${review!.ok ? review!.value.mouId : ''}`);

		// When the review draft is signed it replaces the MOU it reviewed, which stops counting.
		const draftId = review!.ok ? review!.value.mouId : '';
		await db.sql`update mous set status = 'signed', effective_date = '2028-10-01', review_due_on = '2029-10-01' where id = ${draftId}`;
		const next = await reviewOverview(db.sql, [reviewed.mouId, draftId], now);
		expect(next.get(reviewed.mouId)).toMatchObject({ state: 'replaced', dueOn: null });
		expect(next.get(draftId)).toMatchObject({ state: 'scheduled', dueOn: '2029-10-01' });
	});
});
