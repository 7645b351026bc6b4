import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import type { Mailer } from '../../src/lib/server/mail';
import { closeReviewBySuccessor, loadReviewPage, recordReviewStep, startReview } from '../../src/lib/server/reviews';
import { giveConsent, openSigningLink, requestCode, sendForSignature, sign, verifyCode, type SigningDeps } from '../../src/lib/server/signing';
import { agree, codeIn, inkPng, lastMail, signToken, signingDraft } from './signing-world';
import { signedMou, type ReminderWorld, withReminderWorld } from './reminders-world';

/** A review closed by a new signed MOU leaves its record on the reviewed MOU, as a confirmed review does. */

let db: Database;
let mailer: Mailer;
let world: ReminderWorld;
const deps = (): SigningDeps => ({ sql: db.sql, mailer, origin: 'http://mou.test', closeReview: closeReviewBySuccessor });
const browser = (ceremonyToken?: string) => ({ ipAddress: '203.0.113.7', userAgent: 'Vitest Browser/1.0', ...(ceremonyToken ? { ceremonyToken } : {}) });
const now = new Date('2028-07-01T15:00:00Z');

withReminderWorld((made) => ({ db, mailer, world } = made));

async function signAs(email: string) {
	const mail = await lastMail(db.sql, email, 'Please sign%');
	const token = signToken(mail!.text);
	const asked = await requestCode(deps(), token, browser());
	if (!asked.ok) throw new Error(asked.error.message);
	const code = codeIn((await lastMail(db.sql, email, 'Your MOU Studio signing code'))!.text);
	const verified = await verifyCode(deps(), token, code, browser());
	if (!verified.ok) throw new Error(verified.error.message);
	const cookie = verified.value.ceremonyToken;
	const consent = await giveConsent(deps(), token, 'on', browser(cookie));
	if (!consent.ok) throw new Error(consent.error.message);
	const view = await openSigningLink(deps(), token, browser(cookie));
	const signed = await sign(
		deps(),
		token,
		{ kind: 'drawn', typedName: '', image: inkPng(), intent: 'on', fingerprint: view.agreement!.fingerprint },
		browser(cookie)
	);
	if (!signed.ok) throw new Error(signed.error.message);
}

describe('a review closed by a new signed MOU', () => {
	it('writes the review’s record (steps with dates, public-comment count) in the reviewed MOU’s history', async () => {
		const { mouId } = await signedMou(db.sql, world, { title: 'Springfield MOU 2027–28', effectiveDate: '2027-08-01', dueOn: '2028-08-01' });
		for (const step of [
			{ kind: 'public_notice', occurredOn: '2028-05-01', meetingOn: '2028-05-20', where: 'District website' },
			{ kind: 'data_report', occurredOn: '2028-06-15', arrests: '3', citations: '0', useOfForce: '1', complaints: '2' }
		]) {
			expect((await recordReviewStep(deps(), world.district.user, mouId, step, now))?.ok).toBe(true);
		}
		await db.sql`
			insert into public_comments (mou_id, due_on, email, body, token_hash, ip, created_at, verified_at, status)
			values (${mouId}, '2028-08-01', 'parent@example.com', 'Please keep the SRO out of lunch duty.', 'h1', '198.51.100.1', ${now}, ${now}, 'accepted'),
				(${mouId}, '2028-08-01', 'other@example.com', 'Not accepted.', 'h2', '198.51.100.2', ${now}, ${now}, 'rejected')`;

		const started = await startReview(deps(), world.agency.user, mouId, now);
		if (!started?.ok) throw new Error(JSON.stringify(started));
		const draftId = started.value.mouId;
		await agree(db.sql, draftId);
		const sent = await sendForSignature(
			deps(),
			world.agency.user,
			draftId,
			signingDraft(world.agencySignatory.email, world.districtSignatory.email, {}, 20),
			browser()
		);
		if (!sent?.ok) throw new Error(JSON.stringify(sent));
		const before = await db.sql`select kind from mou_events where mou_id = ${mouId} and kind like 'review_complete%'`;
		expect(before).toEqual([]);

		await signAs(world.agencySignatory.email);
		await signAs(world.districtSignatory.email);
		const [{ status }] = await db.sql`select status from mous where id = ${draftId}`;
		expect(status).toBe('signed');

		const events = await db.sql`select summary, detail from mou_events where mou_id = ${mouId} and kind = 'review_completed'`;
		expect(events).toHaveLength(1);
		expect(events[0].summary).toBe(
			'Review due August 1, 2028 completed by the new signed MOU “' +
				started.value.title +
				'”; recorded: public notice and meeting (2028-05-01), data report for the year (2028-06-15); 1 public comment accepted.'
		);
		expect(events[0].detail).toMatchObject({
			reviewedDueOn: '2028-08-01',
			replacedBy: { id: draftId },
			publicComments: 1,
			steps: [
				{ kind: 'public_notice', occurredOn: '2028-05-01' },
				{ kind: 'data_report', occurredOn: '2028-06-15' }
			]
		});
		// The reviewed MOU's review page lists it among its past reviews, with its steps and comments.
		const page = await loadReviewPage(db.sql, world.district.user, mouId);
		expect(page!.pastReviews).toEqual([
			{
				completedAt: expect.any(Date),
				dueOnText: 'August 1, 2028',
				how: `Completed by the new signed MOU “${started.value.title}”`,
				steps: [
					{ label: 'Public notice and meeting', onText: 'May 1, 2028' },
					{ label: 'Data report for the year', onText: 'June 15, 2028' }
				],
				publicComments: 1
			}
		]);
		// The new MOU's own history does not carry it: it starts a new cycle.
		expect(await db.sql`select 1 from mou_events where mou_id = ${draftId} and kind = 'review_completed'`).toEqual([]);
	});

	it('an MOU that reviews nothing writes no review record when signed', async () => {
		const { mouId } = await signedMou(db.sql, world, { title: 'Plain', effectiveDate: '2027-08-01', dueOn: '2028-08-01' });
		await db.sql.begin((tx) => closeReviewBySuccessor(tx, mouId, now));
		expect(await db.sql`select 1 from mou_events where kind = 'review_completed' and mou_id = ${mouId}`).toEqual([]);
	});
});
