import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addColleague, createOrganization, mouWithBothParties, type Person } from '../helpers/fixtures';
import { mailText } from '../helpers/smtp';
import { startCollabHttp } from '../helpers/collab-http';
import { addComment, replyToSuggestion, replyToThread } from '../../src/lib/server/comments';
import { appendInitialState, loadDocumentState } from '../../src/lib/server/collab';
import { getMouAccess } from '../../src/lib/server/mous';
import { decideAsSeen } from '../helpers/decide';
import { sendRound } from '../../src/lib/server/negotiation';
import { recordVisit, whatChanged } from '../../src/lib/server/visits';
import { getNotificationChoices, setNotificationChoices, wantsMail, type Mailer } from '../../src/lib/server/mail';
import type { Database } from '../../src/lib/server/db';
import { mailWorld, type SmtpServer } from '../helpers/mail-world';
import { deepFirstText } from '../helpers/mou-doc';

let db: Database;
let smtp: SmtpServer;
let mailer: Mailer;
let server: Awaited<ReturnType<typeof startCollabHttp>>;
const deps = () => ({ sql: db.sql, mailer, origin: 'http://app.test', collab: server.collab });

mailWorld((world) => ({ db, smtp, mailer } = world));
beforeAll(async () => {
	server = await startCollabHttp(db.sql);
});
afterAll(async () => {
	await server?.close();
});

async function rename(person: Person, name: string) {
	await db.sql`update users set name = ${name} where id = ${person.user.id}`;
	person.user = { ...person.user, name };
}

/** Two parties, each with a counsel, a signatory and a viewer, all with distinct names. */
async function world() {
	const people = await mouWithBothParties(db.sql);
	await rename(people.agency, 'Avery Stone');
	await rename(people.chief, 'Casey Chief');
	await rename(people.agencyViewer, 'Val Viewer');
	await rename(people.district, 'Dana Ortiz');
	await rename(people.superintendent, 'Sam Super');
	await rename(people.districtViewer, 'Drew Watcher');
	return people;
}

/** Stores a tracked insertion by `person` at the start of the document, as an admitted update would be. */
async function suggest(mouId: string, person: Person, party: 'agency' | 'district', id: string, words: string) {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, await loadDocumentState(db.sql, mouId));
	const before = Y.encodeStateVector(doc);
	const attrs = { id, party, authorId: person.user.id, authorName: person.user.name, at: '2099-01-01T00:00:00.000Z' };
	deepFirstText(doc.getXmlFragment('body'))!.insert(0, words, { insertion: attrs });
	await appendInitialState(db.sql, mouId, Y.encodeStateAsUpdate(doc, before));
}

async function comment(person: Person, mouId: string, visibility: 'shared' | 'internal', body: string) {
	const result = await addComment(deps(), person.user, mouId, { body, quote: '', anchor: '', visibility });
	if (!result?.ok) throw new Error(JSON.stringify(result));
	return result.value;
}

async function changesFor(person: Person, mouId: string) {
	return whatChanged(db.sql, person.user, (await getMouAccess(db.sql, person.user, mouId))!);
}

const mailTo = (person: Person) => smtp.received.filter((m) => m.to.includes(person.email));
const settle = () => new Promise((r) => setTimeout(r, 300));

describe('what changed since my last visit', () => {
	it('counts what others did since I left, never my own work nor the other party’s internal comments', async () => {
		const { agency, district, chief, districtViewer, mouId } = await world();
		await suggest(mouId, district, 'district', 'old-district', 'Seen before. ');

		// First visit: nothing is "new" yet; what is open now counts as seen.
		expect(await changesFor(agency, mouId)).toMatchObject({ since: null, counts: { suggestion: 0, comment: 0, decision: 0 } });
		expect(await recordVisit(db.sql, agency.user, mouId)).toBe(true);
		await recordVisit(db.sql, districtViewer.user, mouId);

		// While the agency is away:
		await suggest(mouId, district, 'district', 'new-district-1', 'Quarterly reports. ');
		await suggest(mouId, district, 'district', 'new-district-2', 'Summer coverage. ');
		await suggest(mouId, agency, 'agency', 'own-agency', 'Our own words. ');
		const shared = await comment(district, mouId, 'shared', 'Please explain the staffing clause.');
		await comment(district, mouId, 'internal', 'SECRET: the board will settle for 60/40.');
		const ours = await comment(agency, mouId, 'shared', 'My own note.');
		await replyToThread(deps(), district.user, mouId, { threadId: ours.threadId, body: 'A reply to the agency.' });
		await comment(chief, mouId, 'internal', 'Chief: hold firm.');
		// Replies on a suggestion are comments too: the district's shared one counts, its internal one never shows.
		expect(
			await replyToSuggestion(deps(), district.user, mouId, { suggestionId: 'new-district-1', body: 'Why quarterly?', visibility: 'shared' })
		).toMatchObject({
			ok: true
		});
		expect(
			await replyToSuggestion(deps(), district.user, mouId, { suggestionId: 'new-district-1', body: 'SECRET: monthly is fine too.', visibility: 'internal' })
		).toMatchObject({ ok: true });
		const decided = await decideAsSeen(deps(), district.user, mouId, { suggestionIds: ['own-agency'], decision: 'reject' });
		expect(decided).toMatchObject({ ok: true });

		const seen = await changesFor(agency, mouId);
		expect(seen.since).toBeInstanceOf(Date);
		// The district's two new suggestions (not the one open at the last visit, not the agency's own).
		expect(seen.items.filter((i) => i.kind === 'suggestion').map((i) => i.id)).toEqual(['new-district-2', 'new-district-1']);
		// The district's shared comment, reply and suggestion reply, and the chief's internal one; never the district's internal ones.
		expect(seen.counts).toEqual({ suggestion: 2, comment: 4, decision: 1 });
		expect(seen.items.find((i) => i.suggestionId)).toMatchObject({
			kind: 'comment',
			suggestionId: 'new-district-1',
			label: expect.stringMatching(/Why quarterly/)
		});
		expect(seen.items.find((i) => i.kind === 'comment')).toMatchObject({ threadId: shared.threadId });
		expect(JSON.stringify(seen)).not.toContain('SECRET');
		expect(seen.items.find((i) => i.kind === 'decision')?.label).toMatch(/rejected/);

		// Reloading the page (or posting from it) does not reset what is being stepped through.
		expect((await changesFor(agency, mouId)).counts).toEqual(seen.counts);

		// A viewer of the district reads shared threads only; their own party's internal comment is not theirs to see either.
		const viewer = await changesFor(districtViewer, mouId);
		expect(viewer.counts).toEqual({ suggestion: 2, comment: 4, decision: 1 });
		expect(JSON.stringify(viewer)).not.toContain('SECRET');
		expect(JSON.stringify(viewer)).not.toContain('hold firm');

		// Leaving marks it all seen.
		await recordVisit(db.sql, agency.user, mouId);
		expect((await changesFor(agency, mouId)).counts).toEqual({ suggestion: 0, comment: 0, decision: 0 });
	});

	it('records visits only for people on the MOU', async () => {
		const { mouId } = await world();
		const stranger = await createOrganization(db.sql, 'district');
		expect(await recordVisit(db.sql, stranger.user, mouId)).toBeNull();
		const [{ count }] = await db.sql<{ count: number }[]>`select count(*)::int as count from mou_visits where user_id = ${stranger.user.id}`;
		expect(count).toBe(0);
	});
});

describe('@mentions', () => {
	it('mail the people of the MOU a shared comment names, and nobody else', async () => {
		const { agency, district, districtViewer, superintendent, mouId } = await world();
		const posted = await comment(agency, mouId, 'shared', '@Dana Ortiz and @drew watcher, see this. Also @Nobody Here and @Avery Stone.');
		expect(posted.notified).toEqual(['Dana Ortiz', 'Drew Watcher']);
		const mail = mailText((await smtp.waitFor(district.email)).raw);
		expect(mail).toContain('Avery Stone');
		expect(mail).toContain('mentioned you');
		expect(mail).toContain(`http://app.test/mous/${mouId}`);
		await smtp.waitFor(districtViewer.email);
		await settle();
		expect(mailTo(superintendent)).toHaveLength(0);
		expect(mailTo(agency)).toHaveLength(0);
	});

	it('in a reply on a suggestion follow the same rules (the comments domain posts every comment)', async () => {
		const { agency, district, chief, mouId } = await world();
		await suggest(mouId, district, 'district', 'discussed', 'Discussed words. ');
		const internal = await replyToSuggestion(deps(), agency.user, mouId, {
			suggestionId: 'discussed',
			body: '@Casey Chief @Dana Ortiz thoughts?',
			visibility: 'internal'
		});
		expect(internal).toMatchObject({ ok: true, value: { notified: ['Casey Chief'] } });
		await smtp.waitFor(chief.email);
		const shared = await replyToSuggestion(deps(), agency.user, mouId, { suggestionId: 'discussed', body: 'Why this, @Dana Ortiz?', visibility: 'shared' });
		expect(shared).toMatchObject({ ok: true, value: { notified: ['Dana Ortiz'] } });
		expect(mailText((await smtp.waitFor(district.email)).raw)).toContain('Why this');
		await settle();
		expect(mailTo(district)).toHaveLength(1);
	});

	it('are by name only: an email address guessed in a comment mails nobody and confirms nothing', async () => {
		const { agency, district, mouId } = await world();
		const posted = await comment(agency, mouId, 'shared', `@${district.email} and @${district.email.toUpperCase()} is this you?`);
		expect(posted.notified).toEqual([]);
		await settle();
		expect(mailTo(district)).toHaveLength(0);
	});

	it('in an internal comment reach only counsel and signatories of the author’s own party', async () => {
		const { agency, district, chief, agencyViewer, superintendent, mouId } = await world();
		// A hostile mention of the other party in an internal comment: not an error, and nothing is sent.
		const hostile = await comment(agency, mouId, 'internal', '@Dana Ortiz @Sam Super our floor is 60/40');
		expect(hostile.notified).toEqual([]);
		const internal = await comment(agency, mouId, 'internal', 'Thoughts, @Casey Chief? (@Val Viewer cannot read this)');
		expect(internal.notified).toEqual(['Casey Chief']);
		const mail = mailText((await smtp.waitFor(chief.email)).raw);
		expect(mail).toContain('internal comment');
		// A reply keeps its thread's visibility: the other party is still not reachable from inside it.
		const reply = await replyToThread(deps(), chief.user, mouId, { threadId: internal.threadId, body: '@Dana Ortiz @Avery Stone agreed' });
		expect(reply).toMatchObject({ ok: true, value: { notified: ['Avery Stone'] } });
		await smtp.waitFor(agency.email);
		await settle();
		for (const person of [district, superintendent, agencyViewer]) expect(mailTo(person)).toHaveLength(0);
		const leaked = await db.sql`select 1 from outbox where text_body like '%60/40%' and to_address in ${db.sql([district.email, superintendent.email])}`;
		expect(leaked).toHaveLength(0);
	});
});

describe('notification preferences', () => {
	it('are all on until a person turns one off; off means no email for that event, on again means email', async () => {
		const { agency, district, superintendent, mouId } = await world();
		const districtCounsel2 = await addColleague(db.sql, district, 'counsel');
		expect(await getNotificationChoices(db.sql, district.user.id)).toEqual({ rounds: true, decisions: true, mentions: true, signing: true });
		expect(await setNotificationChoices(db.sql, district.user.id, ['decisions', 'signing', 'bogus'])).toEqual({
			rounds: false,
			decisions: true,
			mentions: false,
			signing: true
		});
		expect(await wantsMail(db.sql, district.email.toUpperCase(), 'rounds')).toBe(false);
		expect(await wantsMail(db.sql, 'nobody@elsewhere.example', 'rounds')).toBe(true);

		// Rounds: the opted-out counsel gets nothing, their colleague does.
		const round = await sendRound(deps(), agency.user, mouId);
		expect(round).toMatchObject({ ok: true, value: { emailed: 1 } });
		await smtp.waitFor(districtCounsel2.email);
		// Mentions: nothing to the opted-out person, still mail to others mentioned.
		const posted = await comment(agency, mouId, 'shared', '@Dana Ortiz @Sam Super please read');
		// Dana turned mention mail off: she is mentioned, not mailed.
		expect(posted.notified).toEqual(['Sam Super']);
		await smtp.waitFor(superintendent.email);
		await settle();
		expect(mailTo(district)).toHaveLength(0);

		// Turned back on: mail again.
		await setNotificationChoices(db.sql, district.user.id, ['rounds', 'decisions', 'mentions', 'signing']);
		await comment(agency, mouId, 'shared', 'Once more, @Dana Ortiz');
		const mail = mailText((await smtp.waitFor(district.email)).raw);
		expect(mail).toContain('Once more');
	});
});
