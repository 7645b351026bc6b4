import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { freshDatabase } from '../helpers/db';
import { addColleague, createMouBetween, createOrganization, type Person } from '../helpers/fixtures';
import { runTexts, textContaining, unpack } from '../unit/export-fixtures';
import { listThreads, replyToSuggestion, replyToThread, setThreadResolved } from '../../src/lib/server/comments';
import { exportRedline } from '../../src/lib/server/export';
import { createMailer } from '../../src/lib/server/mail';
import { decideAsSeen } from '../helpers/decide';
import { startCollabHttp } from '../helpers/collab-http';
import type { Database } from '../../src/lib/server/db';
import type { Party } from '../../src/lib/redlines/types';
import { storeEditAs, suggestionMark } from '../helpers/stored-edits';

// Replies to a suggestion ("why this change?") go through the comments domain with the
// suggestion's rules: counsel of the two parties only, on a suggestion open in this MOU, internal
// replies for their own party only; the redline DOCX carries the shared replies on the change.

let db: Database;
let agency: Person;
let district: Person;
let chief: Person;
let districtViewer: Person;
let outsider: Person;
let server: Awaited<ReturnType<typeof startCollabHttp>>;
const notices: string[] = [];
// Mail is kept in the outbox (no SMTP): mentions count as sent when queued there.
const deps = () => ({
	sql: db.sql,
	mailer: createMailer({ sql: db.sql }),
	origin: 'http://app.test',
	collab: { notify: (_mouId: string, topic: string) => void notices.push(topic) }
});

beforeAll(async () => {
	db = await freshDatabase();
	agency = await createOrganization(db.sql, 'agency');
	district = await createOrganization(db.sql, 'district');
	chief = await addColleague(db.sql, agency, 'signatory');
	districtViewer = await addColleague(db.sql, district, 'viewer');
	outsider = await createOrganization(db.sql, 'district');
	server = await startCollabHttp(db.sql);
});
afterAll(async () => {
	await server?.close();
	await db?.close();
});

const mark = (person: Person, party: Party, id: string) => suggestionMark(person, party, id, '2027-02-01T10:00:00.000Z');

const editAs = (mouId: string, person: Person, party: Party, clientId: number, change: (doc: Y.Doc) => void) =>
	storeEditAs(db.sql, mouId, person, party, clientId, change);

/** An MOU in negotiation with one agency insertion ("Subject to state law, ") under `id`. */
async function withSuggestion(id = 'a1') {
	const mouId = await createMouBetween(db.sql, agency, district);
	await editAs(mouId, agency, 'agency', 9101, (doc) => {
		const found = textContaining(doc, 'The program exists to build');
		found.text.insert(found.index, 'Subject to state law, ', { insertion: mark(agency, 'agency', id) });
	});
	return mouId;
}

async function reply(person: Person, mouId: string, suggestionId: string, body: string, visibility = 'shared') {
	return replyToSuggestion(deps(), person.user, mouId, { suggestionId, body, visibility });
}

async function threadsOn(person: Person, mouId: string, suggestionId: string) {
	return ((await listThreads(db.sql, person.user, mouId)) ?? []).filter((t) => t.suggestionId === suggestionId);
}

describe('replies to a suggestion', () => {
	it('form one shared thread on the suggestion that both counsel read and answer, live', async () => {
		const mouId = await withSuggestion();
		notices.length = 0;
		const asked = await reply(district, mouId, 'a1', 'Why this change?');
		expect(asked).toMatchObject({ ok: true });
		expect(notices).toEqual(['comments']);
		const answered = await reply(agency, mouId, 'a1', 'Our state statute requires it.');
		expect(answered).toMatchObject({ ok: true, value: { threadId: asked!.ok ? asked!.value.threadId : '' } });

		for (const reader of [agency, district, chief, districtViewer]) {
			const [thread, ...more] = await threadsOn(reader, mouId, 'a1');
			expect(more).toEqual([]);
			expect(thread).toMatchObject({ visibility: 'shared', party: 'district', quote: '', anchor: null });
			expect(thread.comments.map((c) => [c.party, c.body])).toEqual([
				['district', 'Why this change?'],
				['agency', 'Our state statute requires it.']
			]);
		}
		// The general reply form reaches the same thread under the same rules.
		const threadId = asked!.ok ? asked!.value.threadId : '';
		expect(await replyToThread(deps(), district.user, mouId, { threadId, body: 'Which statute?' })).toMatchObject({ ok: true });
		expect((await threadsOn(agency, mouId, 'a1'))[0].comments).toHaveLength(3);
		// Mentions work in a suggestion's thread as in any other: the shared one reaches the other party,
		// an internal one only the writer's own party.
		expect(await reply(district, mouId, 'a1', `@${agency.user.name} which statute?`)).toMatchObject({ ok: true, value: { notified: [agency.user.name] } });
		expect(await reply(district, mouId, 'a1', `@${agency.user.name} between us`, 'internal')).toMatchObject({ ok: true, value: { notified: [] } });
		// A suggestion's thread is closed by deciding the suggestion, not by resolving it.
		expect(await setThreadResolved(deps(), agency.user, mouId, { threadId, resolved: true })).toMatchObject({ ok: false, error: { code: 'not_now' } });
	});

	it('keep internal replies within their party: each party has its own, the other never reads or writes it', async () => {
		const mouId = await withSuggestion();
		const ours = await reply(district, mouId, 'a1', 'DISTRICT ONLY: we can live with it.', 'internal');
		if (!ours?.ok) throw new Error(JSON.stringify(ours));
		await reply(district, mouId, 'a1', 'Why this change?');
		expect((await threadsOn(district, mouId, 'a1')).map((t) => t.visibility).sort()).toEqual(['internal', 'shared']);
		expect((await threadsOn(agency, mouId, 'a1')).map((t) => t.visibility)).toEqual(['shared']);
		expect(JSON.stringify(await listThreads(db.sql, agency.user, mouId))).not.toContain('DISTRICT ONLY');

		// The agency replying "internally" starts its own party's thread; it never lands in the district's.
		const theirs = await reply(agency, mouId, 'a1', 'AGENCY ONLY: hold firm.', 'internal');
		if (!theirs?.ok) throw new Error(JSON.stringify(theirs));
		expect(theirs.value.threadId).not.toBe(ours.value.threadId);
		const [districtInternal] = (await threadsOn(district, mouId, 'a1')).filter((t) => t.visibility === 'internal');
		expect(districtInternal.comments.map((c) => c.body)).toEqual(['DISTRICT ONLY: we can live with it.']);
		expect(JSON.stringify(await listThreads(db.sql, district.user, mouId))).not.toContain('AGENCY ONLY');
		// Replying into the other party's internal thread by its id finds nothing, and stores nothing.
		expect(await replyToThread(deps(), agency.user, mouId, { threadId: ours.value.threadId, body: 'Peek' })).toMatchObject({
			ok: false,
			error: { code: 'not_found' }
		});
		const [{ count }] = await db.sql`select count(*)::int as count from mou_comments where thread_id = ${ours.value.threadId}`;
		expect(count).toBe(0);
	});

	it('refuse whoever is not counsel of the two parties, and suggestions that are not open in this MOU', async () => {
		const mouId = await withSuggestion();
		const other = await withSuggestion('b7');
		const refused = async (person: Person, suggestionId: string, code: string, mou = mouId) =>
			expect(await reply(person, mou, suggestionId, 'Why?'), `${person.user.email} on ${suggestionId}`).toMatchObject({ ok: false, error: { code } });

		expect(await reply(outsider, mouId, 'a1', 'Why?')).toBeNull();
		await refused(chief, 'a1', 'forbidden');
		await refused(districtViewer, 'a1', 'forbidden');
		// Another MOU's suggestion id, an unknown one, a malformed one.
		await refused(district, 'b7', 'not_found');
		await refused(district, 'nope', 'not_found');
		await refused(district, '../../etc', 'not_found');
		expect(await reply(district, '00000000-0000-4000-8000-000000000000', 'a1', 'Why?')).toBeNull();
		expect(await reply(district, mouId, 'a1', '   ')).toMatchObject({
			ok: false,
			error: { code: 'invalid_input', fields: { body: 'Write a comment first.' } }
		});
		expect(await reply(district, mouId, 'a1', 'Why?', 'everyone')).toMatchObject({
			ok: false,
			error: { code: 'invalid_input', fields: { visibility: expect.any(String) } }
		});
		const [{ count }] = await db.sql`select count(*)::int as count from mou_comments where mou_id in (${mouId}, ${other})`;
		expect(count).toBe(0);
	});
});

describe('a decided suggestion', () => {
	it('keeps its thread readable and takes no more replies; agreement closes every thread', async () => {
		const mouId = await withSuggestion();
		await reply(district, mouId, 'a1', 'Why this change?');
		const decided = await decideAsSeen({ sql: db.sql, collab: server.collab }, district.user, mouId, { suggestionIds: ['a1'], decision: 'accept' });
		expect(decided).toMatchObject({ ok: true });
		const [thread] = await threadsOn(agency, mouId, 'a1');
		expect(thread.comments.map((c) => c.body)).toEqual(['Why this change?']);
		expect(await reply(agency, mouId, 'a1', 'Too late?')).toMatchObject({ ok: false, error: { code: 'not_now', message: expect.stringMatching(/decided/) } });
		expect(await replyToThread(deps(), agency.user, mouId, { threadId: thread.id, body: 'Too late?' })).toMatchObject({
			ok: false,
			error: { code: 'not_now' }
		});

		const open = await withSuggestion();
		await db.sql`update mous set status = 'agreed' where id = ${open}`;
		expect(await reply(district, open, 'a1', 'Why?')).toMatchObject({ ok: false, error: { code: 'not_now', message: expect.stringMatching(/closed/) } });
	});
});

describe('the redline DOCX', () => {
	it('carries the shared replies as one Word comment thread on the change, never an internal one', async () => {
		const mouId = await withSuggestion();
		await editAs(mouId, district, 'district', 9102, (doc) => {
			const found = textContaining(doc, 'lasting, constructive');
			found.text.format(found.index, 'lasting, '.length, { deletion: mark(district, 'district', 'd1') });
		});
		await reply(district, mouId, 'a1', 'Why this change?');
		await reply(agency, mouId, 'a1', 'Our state statute requires it.');
		await reply(agency, mouId, 'a1', 'INTERNAL: we could drop it if pressed.', 'internal');
		await reply(district, mouId, 'd1', 'INTERNAL: the board insists.', 'internal');
		await reply(agency, mouId, 'd1', 'Why strike “lasting”?');

		for (const reader of [agency, district]) {
			const result = await exportRedline(db.sql, reader.user, mouId);
			if (!result.ok) throw new Error(result.error.message);
			const parts = unpack(result.value.bytes);
			expect(JSON.stringify(parts)).not.toContain('INTERNAL');
			const comments = [...parts['word/comments.xml'].matchAll(/<w:comment w:id="(\d+)"[^>]*w:author="([^"]*)"[^>]*>(.*?)<\/w:comment>/g)].map((m) => ({
				id: m[1],
				author: m[2],
				text: runTexts(m[3])
			}));
			expect(comments.map((c) => c.text)).toEqual(['Why this change?', 'Our state statute requires it.', 'Why strike “lasting”?']);
			expect(comments[0].author).toMatch(new RegExp(`^${district.user.name} \\(`));
			// Each thread is anchored around its own change: the insertion, and the deletion.
			const xml = parts['word/document.xml'];
			const anchored = (id: string) =>
				new RegExp(`<w:commentRangeStart w:id="${id}"/>(.*?)<w:commentRangeEnd w:id="${id}"/>`)
					.exec(xml)?.[1]
					.replace(/<w:commentRange(Start|End) w:id="\d+"\/>/g, '') ?? '';
			expect(anchored(comments[0].id)).toMatch(/^<w:ins [^>]*>/);
			expect(runTexts(anchored(comments[0].id))).toBe('Subject to state law, ');
			expect(runTexts(anchored(comments[1].id))).toBe('Subject to state law, ');
			expect(anchored(comments[2].id)).toMatch(/^<w:del [^>]*>/);
			expect(runTexts(anchored(comments[2].id))).toBe('lasting, ');
			// The answer is a reply in the question's thread (Word's commentsExtended).
			expect(parts['word/commentsExtended.xml']).toMatch(/w15:paraIdParent=/);
		}
	});

	it('leaves out the thread of a decided suggestion (it is in the history, not on a change)', async () => {
		const mouId = await withSuggestion();
		await reply(district, mouId, 'a1', 'Why this change?');
		await decideAsSeen({ sql: db.sql, collab: server.collab }, district.user, mouId, { suggestionIds: ['a1'], decision: 'reject' });
		const result = await exportRedline(db.sql, district.user, mouId);
		if (!result.ok) throw new Error(result.error.message);
		const parts = unpack(result.value.bytes);
		expect(parts['word/comments.xml'] ?? '').not.toContain('Why this change?');
		expect(parts['word/document.xml']).toContain('0 shared comment threads');
	});
});
