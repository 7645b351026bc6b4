import { describe, expect, test } from 'vitest';
import type { Mailer } from '../../src/lib/server/mail';
import { confirmReview, loadReviewPage, recordReviewStep } from '../../src/lib/server/reviews';
import {
	confirmPublicComment,
	commentsToModerate,
	loadPublicPage,
	moderatePublicComment,
	publishMou,
	submitPublicComment,
	unpublishMou
} from '../../src/lib/server/publication';
import { createOrganization } from '../helpers/fixtures';
import type { Database } from '../../src/lib/server/db';
import { signedMou, type ReminderWorld, withReminderWorld } from './reminders-world';

let db: Database;
let mailer: Mailer;
let world: ReminderWorld;
const deps = () => ({ sql: db.sql, mailer, origin: 'http://mou.test' });
const inReview = new Date('2028-07-01T15:00:00Z');

withReminderWorld((made) => ({ db, mailer, world } = made));

async function published(title: string, state: 'none' | 'va' = 'none') {
	const created = await signedMou(db.sql, world, { title, effectiveDate: '2027-08-01', dueOn: '2028-08-01', state });
	const result = await publishMou(db.sql, world.district.user, created.mouId, inReview);
	if (!result?.ok) throw new Error(JSON.stringify(result));
	return { ...created, slug: result.value.slug };
}

async function linkFromMail(email: string): Promise<string> {
	const [mail] = await db.sql`select text_body from outbox where to_address = ${email} order by created_at desc limit 1`;
	return /\/confirm\/([a-z2-7]+)/.exec(mail.text_body)![1];
}

describe('publishing a signed MOU', () => {
	test('Virginia: the review cannot complete until the district publishes the MOU', async () => {
		const { mouId } = await signedMou(db.sql, world, { title: 'Richmond MOU', effectiveDate: '2027-08-01', dueOn: '2028-08-01', state: 'va' });
		for (const step of [
			{ kind: 'public_notice', occurredOn: '2028-05-01', meetingOn: '2028-05-20', where: 'Division website' },
			{ kind: 'community_input', occurredOn: '2028-06-01', received: '3', summary: 'Three parents asked for the MOU to be easier to find online.' }
		]) {
			expect((await recordReviewStep(deps(), world.district.user, mouId, step, inReview))?.ok).toBe(true);
		}
		const refused = await confirmReview(deps(), world.agency.user, mouId, inReview);
		expect(refused?.ok === false && refused.error.message).toMatch(
			/Virginia law \(Code of Virginia § 22\.1-280\.2:3\) requires the current MOU to be published/
		);
		// Only the district publishes.
		expect(await publishMou(db.sql, world.agency.user, mouId, inReview)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
		expect((await publishMou(db.sql, world.district.user, mouId, inReview))?.ok).toBe(true);
		expect((await confirmReview(deps(), world.agency.user, mouId, inReview))?.ok).toBe(true);
		expect((await confirmReview(deps(), world.district.user, mouId, inReview))?.ok).toBe(true);
	});

	test('the public page has the signed text with terms resolved and nothing internal; unpublishing takes it down and is logged', async () => {
		const { mouId, slug } = await published('Springfield public MOU');
		await db.sql`insert into mou_comments (mou_id, author_id, party, visibility, body) values (${mouId}, ${world.agency.user.id}, 'agency', 'internal', 'INTERNAL: do not give ground on costs')`;
		const page = await loadPublicPage(db.sql, slug, inReview);
		expect(page).toMatchObject({ title: 'Springfield public MOU', effectiveDate: '2027-08-01', nextReviewOn: '2028-08-01', commentsOpen: true });
		expect(page!.html).toMatch(/Decision to arrest/);
		const everything = JSON.stringify(page);
		expect(everything).not.toMatch(/INTERNAL/);
		for (const person of [world.agency, world.district, world.agencySignatory]) expect(everything).not.toContain(person.email);

		expect((await unpublishMou(db.sql, world.district.user, mouId, inReview))?.ok).toBe(true);
		expect(await loadPublicPage(db.sql, slug, inReview)).toBeNull();
		const events = await db.sql`select kind, summary from mou_events where mou_id = ${mouId} and kind in ('published', 'unpublished') order by at, kind`;
		expect(events.map((e) => e.kind)).toEqual(['published', 'unpublished']);
		// Publishing again keeps the address.
		expect(await publishMou(db.sql, world.district.user, mouId, inReview)).toEqual({ ok: true, value: { slug } });
	});

	test('comments are closed until the review opens', async () => {
		const { slug } = await published('Early MOU');
		const early = await submitPublicComment(
			deps(),
			slug,
			{ name: '', email: 'parent@example.org', body: 'A comment sent far too early.' },
			'203.0.113.9',
			new Date('2028-01-10T15:00:00Z')
		);
		expect(early).toMatchObject({ ok: false, error: { code: 'not_now' } });
		expect((await loadPublicPage(db.sql, slug, new Date('2028-01-10T15:00:00Z')))?.commentsOpen).toBe(false);
	});
});

describe('public comments', () => {
	test('count only after the address is confirmed and the district accepts them; then counsel of both parties see them', async () => {
		const { mouId, slug } = await published('Commented MOU');
		const sent = await submitPublicComment(
			deps(),
			slug,
			{ name: 'Ana Parent', email: 'Ana@Example.org', body: 'Please say how parents are told before a student is questioned.' },
			'203.0.113.10',
			inReview
		);
		expect(sent).toEqual({ ok: true, value: { email: 'ana@example.org' } });
		// Not confirmed yet: the district sees nothing to moderate, the review nothing.
		expect(await commentsToModerate(db.sql, world.district.user, mouId)).toEqual([]);
		const token = await linkFromMail('ana@example.org');
		expect(await confirmPublicComment(db.sql, token, inReview)).toBe(true);
		expect(await confirmPublicComment(db.sql, token, inReview)).toBe(false);
		const queue = await commentsToModerate(db.sql, world.district.user, mouId);
		expect(queue?.map((c) => [c.name, c.status])).toEqual([['Ana Parent', 'pending']]);
		expect((await loadReviewPage(db.sql, world.agency.user, mouId, inReview))?.record?.publicComments).toEqual([]);

		// Only the district moderates, and only comments of this MOU.
		expect(await commentsToModerate(db.sql, world.agency.user, mouId)).toBeNull();
		expect(await moderatePublicComment(db.sql, world.agency.user, mouId, { commentId: queue![0].id, decision: 'accept' })).toMatchObject({
			ok: false,
			error: { code: 'forbidden' }
		});
		const other = await published('Other MOU');
		expect(await moderatePublicComment(db.sql, world.district.user, other.mouId, { commentId: queue![0].id, decision: 'accept' })).toMatchObject({
			ok: false,
			error: { code: 'not_found' }
		});
		expect((await moderatePublicComment(db.sql, world.district.user, mouId, { commentId: queue![0].id, decision: 'accept' }))?.ok).toBe(true);

		for (const counsel of [world.agency, world.district]) {
			const page = await loadReviewPage(db.sql, counsel.user, mouId, inReview);
			expect(page?.record?.publicComments.map((c) => c.body)).toEqual(['Please say how parents are told before a student is questioned.']);
		}
		// The document never sees it.
		const [{ count }] = await db.sql`select count(*)::int as count from mou_updates where mou_id = ${mouId}`;
		expect(count).toBe(1);
	});

	test('no HTML, a size cap, and limits per address and per IP', async () => {
		const { slug } = await published('Limited MOU');
		const send = (email: string, body: string, ip = '198.51.100.1') => submitPublicComment(deps(), slug, { name: '', email, body }, ip, inReview);
		expect(await send('a@example.org', 'Look <script>alert(1)</script> here')).toMatchObject({
			ok: false,
			error: { fields: { body: 'Write plain text, without HTML tags.' } }
		});
		expect(await send('a@example.org', 'x'.repeat(4001))).toMatchObject({ ok: false, error: { fields: { body: expect.stringMatching(/at most 4000/) } } });
		expect(await send('not-an-email', 'A perfectly ordinary comment.')).toMatchObject({ ok: false, error: { fields: { email: expect.any(String) } } });
		for (let i = 0; i < 3; i++) expect((await send('b@example.org', `Comment number ${i} from b.`))?.ok).toBe(true);
		expect(await send('B@example.org', 'A fourth comment from b today.')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
		for (let i = 0; i < 7; i++) expect((await send(`c${i}@example.org`, `Comment ${i} from the same IP.`))?.ok).toBe(true);
		expect(await send('d@example.org', 'The eleventh comment from this IP.')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
		expect((await send('d@example.org', 'The same person from another network.', '198.51.100.2'))?.ok).toBe(true);
	});

	test('an unknown or unpublished page takes nothing', async () => {
		expect(
			await submitPublicComment(deps(), 'no-such-page', { name: '', email: 'a@example.org', body: 'Hello there, friends.' }, '192.0.2.1', inReview)
		).toBeNull();
		const stranger = await createOrganization(db.sql, 'district');
		const { mouId } = await published('Foreign MOU');
		expect(await publishMou(db.sql, stranger.user, mouId, inReview)).toBeNull();
	});
});
