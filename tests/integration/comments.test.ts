import { describe, expect, it } from 'vitest';
import { databaseForFile } from '../helpers/file-database';
import { createOrganization, mouWithBothParties } from '../helpers/fixtures';
import { addComment, listThreads, replyToThread, setThreadResolved } from '../../src/lib/server/comments';
import type { Database } from '../../src/lib/server/db';

let db: Database;
const notices: string[] = [];
const deps = () => ({ sql: db.sql, collab: { notify: (_mouId: string, topic: string) => void notices.push(topic) } });

databaseForFile((opened) => (db = opened));

const ANCHOR = JSON.stringify({ from: { type: { client: 1, clock: 4 }, assoc: 0 }, to: { type: { client: 1, clock: 19 }, assoc: -1 } });

const world = () => mouWithBothParties(db.sql);

async function start(user: Parameters<typeof addComment>[1], mouId: string, visibility: string, body = 'A comment') {
	const result = await addComment(deps(), user, mouId, { body, quote: 'the selected words', anchor: ANCHOR, visibility });
	if (!result?.ok) throw new Error(JSON.stringify(result));
	return result.value.threadId;
}

describe('comment threads', () => {
	it('keep internal threads from the other party on every read and action', async () => {
		const { agency, district, chief, agencyViewer, districtViewer, mouId } = await world();
		notices.length = 0;
		const internal = await start(agency.user, mouId, 'internal', 'Our fallback position is 60/40.');
		expect(notices).toEqual(['comments']);
		expect(await replyToThread(deps(), chief.user, mouId, { threadId: internal, body: 'Agreed, but hold it back.' })).toMatchObject({ ok: true });

		const ours = await listThreads(db.sql, chief.user, mouId);
		expect(ours).toHaveLength(1);
		expect(ours![0]).toMatchObject({ visibility: 'internal', party: 'agency', quote: 'the selected words', anchor: JSON.parse(ANCHOR) });
		expect(ours![0].comments.map((c) => c.body)).toEqual(['Our fallback position is 60/40.', 'Agreed, but hold it back.']);
		expect(ours![0].comments[0]).toMatchObject({ authorName: agency.user.name, organizationName: agency.user.organizationName, party: 'agency' });

		// The other party, and viewers of the same party, read nothing of it.
		for (const person of [district, districtViewer, agencyViewer]) expect(await listThreads(db.sql, person.user, mouId)).toEqual([]);
		// Acting on it from the other side finds nothing, and changes nothing.
		expect(await replyToThread(deps(), district.user, mouId, { threadId: internal, body: 'Peek' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect(await setThreadResolved(deps(), district.user, mouId, { threadId: internal, resolved: true })).toMatchObject({
			ok: false,
			error: { code: 'not_found' }
		});
		const [stored] = await db.sql`select resolved_at from mou_comments where id = ${internal}`;
		expect(stored.resolved_at).toBeNull();
		const replies = await db.sql`select party, visibility from mou_comments where thread_id = ${internal}`;
		expect(replies).toEqual([{ party: 'agency', visibility: 'internal' }]);

		// A stranger does not even learn that the MOU exists.
		const stranger = await createOrganization(db.sql, 'district');
		expect(await listThreads(db.sql, stranger.user, mouId)).toBeNull();
		expect(await addComment(deps(), stranger.user, mouId, { body: 'x', quote: '', anchor: '', visibility: 'shared' })).toBeNull();
		expect(await replyToThread(deps(), stranger.user, mouId, { threadId: internal, body: 'x' })).toBeNull();
	});

	it('share shared threads with both parties, who reply, resolve and reopen them', async () => {
		const { agency, district, districtViewer, mouId } = await world();
		const shared = await start(district.user, mouId, 'shared', 'We cannot fund the summer months.');
		await start(district.user, mouId, 'internal', 'Board will not move on this.');
		expect((await listThreads(db.sql, agency.user, mouId))!.map((t) => t.id)).toEqual([shared]);
		expect((await listThreads(db.sql, districtViewer.user, mouId))!.map((t) => t.id)).toEqual([shared]);
		expect((await listThreads(db.sql, district.user, mouId))!).toHaveLength(2);

		expect(await replyToThread(deps(), agency.user, mouId, { threadId: shared, body: 'Then the agency covers July.' })).toMatchObject({ ok: true });
		const [thread] = (await listThreads(db.sql, district.user, mouId))!.filter((t) => t.id === shared);
		expect(thread.comments.map((c) => [c.party, c.mine])).toEqual([
			['district', true],
			['agency', false]
		]);

		expect(await setThreadResolved(deps(), agency.user, mouId, { threadId: shared, resolved: true })).toMatchObject({ ok: true });
		const resolved = (await listThreads(db.sql, district.user, mouId))!.find((t) => t.id === shared)!;
		expect(resolved.resolvedAt).toBeInstanceOf(Date);
		expect(resolved.resolvedByName).toBe(agency.user.name);
		// Open threads come first.
		expect((await listThreads(db.sql, district.user, mouId))!.at(-1)!.id).toBe(shared);
		expect(await replyToThread(deps(), district.user, mouId, { threadId: shared, body: 'More' })).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/reopen/) }
		});
		expect(await setThreadResolved(deps(), district.user, mouId, { threadId: shared, resolved: false })).toMatchObject({ ok: true });
		expect((await listThreads(db.sql, agency.user, mouId))![0].resolvedAt).toBeNull();

		// Viewers read shared threads but do not write.
		expect(await replyToThread(deps(), districtViewer.user, mouId, { threadId: shared, body: 'Viewer' })).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/Only counsel and signatories/) }
		});
		expect(await setThreadResolved(deps(), districtViewer.user, mouId, { threadId: shared, resolved: true })).toMatchObject({ ok: false });
	});

	it('validate what they store', async () => {
		const { agency, agencyViewer, mouId } = await world();
		const add = (input: Partial<{ body: unknown; quote: unknown; anchor: unknown; visibility: unknown }>, user = agency.user) =>
			addComment(deps(), user, mouId, { body: 'Fine', quote: 'q', anchor: ANCHOR, visibility: 'shared', ...input });
		expect(await add({ body: '   ' })).toMatchObject({ ok: false, error: { fields: { body: 'Write a comment first.' } } });
		expect(await add({ body: 'x'.repeat(5001) })).toMatchObject({ ok: false, error: { fields: { body: expect.stringMatching(/under 5,000/) } } });
		expect(await add({ visibility: 'everyone' })).toMatchObject({ ok: false, error: { fields: { visibility: expect.any(String) } } });
		expect(await add({ anchor: JSON.stringify({ from: { pad: 'x'.repeat(2100) }, to: {} }) })).toMatchObject({
			ok: false,
			error: { fields: { anchor: expect.stringMatching(/too large/) } }
		});
		expect(await add({ anchor: '[1,2]' })).toMatchObject({ ok: false, error: { fields: { anchor: expect.any(String) } } });
		expect(await add({ anchor: JSON.stringify({ from: {}, to: {}, extra: 1 }) })).toMatchObject({
			ok: false,
			error: { fields: { anchor: expect.any(String) } }
		});
		expect(await add({ anchor: '{not json' })).toMatchObject({ ok: false, error: { fields: { anchor: expect.any(String) } } });
		expect(await add({}, agencyViewer.user)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Only counsel and signatories/) } });
		expect(await replyToThread(deps(), agency.user, mouId, { threadId: 'not-a-uuid', body: 'x' })).toMatchObject({ ok: false, error: { code: 'not_found' } });

		// A long selection is quoted shortened; a comment without an anchor is about the MOU as a whole.
		const long = await add({ quote: 'word '.repeat(200) });
		const general = await add({ anchor: '', quote: 'ignored' });
		const threads = (await listThreads(db.sql, agency.user, mouId))!;
		const byId = (outcome: typeof long) => threads.find((t) => outcome?.ok && t.id === outcome.value.threadId)!;
		expect(byId(long).quote).toMatch(/^word word .*…$/);
		expect(byId(long).quote.length).toBeLessThanOrEqual(300);
		expect(byId(general)).toMatchObject({ anchor: null, quote: '' });
		const [{ count }] = await db.sql`select count(*)::int as count from mou_comments where mou_id = ${mouId}`;
		expect(count).toBe(2);
	});
});

describe('comments after agreement', () => {
	it('are refused: no new thread, no reply, no resolving once the text is agreed', async () => {
		const { agency, district, chief, mouId } = await world();
		const thread = await start(agency.user, mouId, 'shared', 'Before agreement');
		await db.sql`update mous set status = 'agreed' where id = ${mouId}`;
		const closed = { ok: false, error: { code: 'not_now', message: 'This MOU is agreed: its text is final, so comments are closed.' } };
		expect(await addComment(deps(), district.user, mouId, { body: 'Too late', quote: '', anchor: '', visibility: 'shared' })).toMatchObject(closed);
		expect(await addComment(deps(), chief.user, mouId, { body: 'Too late', quote: '', anchor: '', visibility: 'internal' })).toMatchObject(closed);
		expect(await replyToThread(deps(), district.user, mouId, { threadId: thread, body: 'Reply' })).toMatchObject(closed);
		expect(await setThreadResolved(deps(), agency.user, mouId, { threadId: thread, resolved: true })).toMatchObject(closed);
		const rows = await db.sql`select body, resolved_at from mou_comments where mou_id = ${mouId}`;
		expect(rows.map((r) => [r.body, r.resolved_at])).toEqual([['Before agreement', null]]);
	});
});
