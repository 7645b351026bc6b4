import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { freshDatabase } from '../helpers/db';
import { createMouBetween, createOrganization, type Person } from '../helpers/fixtures';
import { connectYjsClient, waitFor, within, type YjsClient } from '../helpers/yjs-client';
import { startCollabHttp } from '../helpers/collab-http';
import { suggestionMark } from '../helpers/stored-edits';
import type { Database } from '../../src/lib/server/db';
import { createRedisRelay, loadDocumentState } from '../../src/lib/server/collab';
import { MAX_LATE_MOVES } from '../../src/lib/server/collab/admission';
import { LATE_TYPING_MS, MAX_LATE_TYPING, MAX_LATE_WORK_PER_PERSON } from '../../src/lib/server/collab/admission/late-typing';
import { ShadowDocument } from '../../src/lib/server/collab/tracked/shadow';
import type { SuggestionAttrs } from '../../src/lib/redlines/types';
import { unaccountedText } from '../helpers/negotiated-text';
import { decideAsSeen } from '../helpers/decide';
import { decideSuggestions, openSuggestions } from '../../src/lib/server/redlines';
import { seenEntries } from '../../src/lib/document';

// A decided suggestion id is closed for good: a new mark under it — its author still typing when
// the decision landed, or a forged reuse — is kept, but moved by the server to a successor id of
// the same author, so it is a new open suggestion and the decided one stays closed. Nobody is
// disconnected and no typing is lost: on the instance that decided, on one that loads the room
// afterwards, and on another instance that hears of the decision through the relay. A bare Yjs
// client over the real websocket, against real PostgreSQL (and Redis for the relay).

const OPEN_CLAUSE = 'purpose.mission';
const OTHER_CLAUSE = 'term.duration';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const PREFIX = `test:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`;

type Server = Awaited<ReturnType<typeof startCollabHttp>>;

let db: Database;
let agency: Person;
let district: Person;
const servers: Server[] = [];
const open: YjsClient[] = [];

beforeAll(async () => {
	db = await freshDatabase();
	agency = await createOrganization(db.sql, 'agency');
	district = await createOrganization(db.sql, 'district');
});

afterEach(async () => {
	vi.restoreAllMocks();
	for (const client of open.splice(0)) client.close();
	for (const server of servers.splice(0)) await server.close();
});

afterAll(async () => {
	await db?.close();
});

async function startServer(relayed = false): Promise<Server> {
	const relay = relayed ? createRedisRelay({ url: REDIS_URL, prefix: PREFIX }) : undefined;
	if (relay) await waitFor(() => relay.ready, 'relay connected');
	const server = await startCollabHttp(db.sql, relay);
	servers.push(server);
	return server;
}

const body = (doc: Y.Doc) => doc.getXmlFragment('body');
function firstText(doc: Y.Doc, clauseId: string): Y.XmlText {
	const clause = body(doc)
		.toArray()
		.find((node): node is Y.XmlElement => node instanceof Y.XmlElement && node.getAttribute('clauseId') === clauseId);
	if (!clause) throw new Error(`no clause ${clauseId}`);
	return (clause.get(0) as Y.XmlElement).get(0) as Y.XmlText;
}
const plain = (text: Y.XmlText) => (text.toDelta() as Array<{ insert: unknown }>).map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('');
const hasMark = (text: Y.XmlText, id: string) => JSON.stringify(text.toDelta()).includes(`"id":"${id}"`);

async function connected(server: Server, person: Person, mouId: string): Promise<YjsClient> {
	const client = connectYjsClient(server.url(mouId), person.cookie);
	open.push(client);
	await within(client.synced, 'client synced');
	return client;
}

/** The agency suggests text under `id`; district counsel decides it through `server`. */
async function decidedSuggestion(server: Server, agencyClient: YjsClient, mouId: string, id: string, decision: 'accept' | 'reject') {
	agencyClient.edit((doc) => firstText(doc, OPEN_CLAUSE).insert(0, 'Monthly meetings. ', { insertion: suggestionMark(agency, 'agency', id) }));
	await within(agencyClient.allStored(), 'suggestion stored');
	const result = await decideAsSeen({ sql: db.sql, collab: server.collab }, district.user, mouId, { suggestionIds: [id], decision });
	expect(result).toMatchObject({ ok: true });
	await waitFor(() => !hasMark(firstText(agencyClient.doc, OPEN_CLAUSE), id), 'the decision reached the author');
}

const markIdsOf = (text: Y.XmlText) =>
	(text.toDelta() as Array<{ attributes?: { insertion?: { id: string } } }>).flatMap((op) => (op.attributes?.insertion ? [op.attributes.insertion.id] : []));

async function storedDoc(mouId: string): Promise<Y.Doc> {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, await loadDocumentState(db.sql, mouId));
	return doc;
}

/**
 * The author's new mark under the decided id: the author stays connected, the text is stored and
 * seen, under one successor id that is an open suggestion of the author's party. Returns that id.
 */
async function expectReuseMoved(author: YjsClient, watcher: YjsClient, mouId: string, id: string): Promise<string> {
	author.edit((doc) => firstText(doc, OTHER_CLAUSE).insert(0, 'Officers may search lockers. ', { insertion: suggestionMark(agency, 'agency', id) }));
	await waitFor(() => {
		const ids = markIdsOf(firstText(watcher.doc, OTHER_CLAUSE));
		return plain(firstText(watcher.doc, OTHER_CLAUSE)).includes('search lockers') && ids.length > 0 && !ids.includes(id);
	}, 'the other side sees the text under a new id');
	await within(author.allStored(), 'the author’s typing stored');
	expect(author.isOpen()).toBe(true);
	await waitFor(() => !markIdsOf(firstText(author.doc, OTHER_CLAUSE)).includes(id), 'the author’s editor moved too');
	const stored = await storedDoc(mouId);
	expect(plain(firstText(stored, OTHER_CLAUSE))).toContain('search lockers');
	const successors = new Set(markIdsOf(firstText(stored, OTHER_CLAUSE)).filter((mark) => mark !== 'own-fresh'));
	expect(successors.size).toBe(1);
	const [successor] = successors;
	expect(successor).not.toBe(id);
	const open = openSuggestions(stored);
	expect(open.some((s) => s.id === id)).toBe(false);
	expect(open.find((s) => s.id === successor)).toMatchObject({ party: 'agency', authorId: agency.user.id, kind: 'insertion' });
	return successor;
}

/** One server, a new MOU, and both parties' counsel connected to it. */
async function bothCounselOnANewMou() {
	const server = await startServer();
	const mouId = await createMouBetween(db.sql, agency, district);
	return { server, mouId, agencyClient: await connected(server, agency, mouId), districtClient: await connected(server, district, mouId) };
}

describe('a decided suggestion id is never open again', () => {
	it('moves the author’s new mark under their own accepted suggestion’s id to a successor the other side can decide, while a fresh id goes through as it is', async () => {
		const { server, mouId, agencyClient, districtClient } = await bothCounselOnANewMou();
		await decidedSuggestion(server, agencyClient, mouId, 'own-accepted', 'accept');

		agencyClient.edit((doc) => firstText(doc, OTHER_CLAUSE).insert(0, 'Weekly visits. ', { insertion: suggestionMark(agency, 'agency', 'own-fresh') }));
		await within(agencyClient.allStored(), 'a fresh suggestion stored');
		await waitFor(() => plain(firstText(districtClient.doc, OTHER_CLAUSE)).startsWith('Weekly visits. '), 'the other side sees it');

		const successor = await expectReuseMoved(agencyClient, districtClient, mouId, 'own-accepted');
		expect(markIdsOf(firstText(districtClient.doc, OTHER_CLAUSE))).toContain('own-fresh');

		// More late keystrokes under the same decided id join the same successor.
		agencyClient.edit((doc) => firstText(doc, OTHER_CLAUSE).insert(0, 'Also ', { insertion: suggestionMark(agency, 'agency', 'own-accepted') }));
		await waitFor(() => plain(firstText(districtClient.doc, OTHER_CLAUSE)).startsWith('Also '), 'the second late keystroke seen');
		await waitFor(() => !markIdsOf(firstText(districtClient.doc, OTHER_CLAUSE)).includes('own-accepted'), 'moved as well');
		expect(new Set(markIdsOf(firstText(districtClient.doc, OTHER_CLAUSE)))).toEqual(new Set([successor, 'own-fresh']));

		const decided = await decideAsSeen({ sql: db.sql, collab: server.collab }, district.user, mouId, { suggestionIds: [successor], decision: 'reject' });
		expect(decided).toMatchObject({ ok: true });
		await waitFor(() => !plain(firstText(districtClient.doc, OTHER_CLAUSE)).includes('search lockers'), 'the successor rejected');
	});

	it('keeps the author connected when they were still typing their suggestion as it was decided', async () => {
		const { server, mouId, agencyClient, districtClient } = await bothCounselOnANewMou();
		const mark = suggestionMark(agency, 'agency', 'typing');
		agencyClient.edit((doc) => firstText(doc, OPEN_CLAUSE).insert(0, 'Monthly ', { insertion: mark }));
		await within(agencyClient.allStored(), 'suggestion stored');
		await waitFor(() => plain(firstText(districtClient.doc, OPEN_CLAUSE)).startsWith('Monthly '), 'the district sees it');
		// The author's editor, still typing: it takes the decision in only after the keystrokes below.
		const stale = staleCopy(agencyClient);
		// The district decides on "Monthly " as it sees it. (Typing that reached the server before the
		// decision would refuse it: decide-seen.test.ts.)
		const seen = seenEntries(districtClient.doc, ['typing']);
		expect(
			await decideSuggestions({ sql: db.sql, collab: server.collab }, district.user, mouId, { suggestionIds: ['typing'], decision: 'accept', seen })
		).toMatchObject({
			ok: true
		});
		// The author's next keystrokes, continuing the suggestion, typed before their editor took in the decision: late for sure.
		let typed = 'Monthly ';
		const type = (word: string) => {
			typeLate(agencyClient, stale, (doc) => firstText(doc, OPEN_CLAUSE).insert(typed.length, word, { insertion: mark }));
			typed += word;
		};
		type('meetings');
		type(' with');
		type(' the');
		type(' principal.');
		await within(agencyClient.allStored(), 'every keystroke stored');
		expect(agencyClient.isOpen()).toBe(true);
		await waitFor(() => plain(firstText(districtClient.doc, OPEN_CLAUSE)).includes('principal.'), 'all typing seen');
		const stored = await storedDoc(mouId);
		expect(plain(firstText(stored, OPEN_CLAUSE))).toContain('Monthly meetings with the principal.');
		const open = openSuggestions(stored);
		expect(open.some((s) => s.id === 'typing')).toBe(false);
		expect(open.find((s) => s.excerpt.includes('principal.'))).toMatchObject({ party: 'agency', authorId: agency.user.id });
	});

	it('refuses a decided id reused on purpose, past what could have been in flight, and stores none of the excess', async () => {
		const { server, mouId, agencyClient, districtClient } = await bothCounselOnANewMou();
		await decidedSuggestion(server, agencyClient, mouId, 'reused', 'reject');
		// Each with its own time, so each is a new mark (Yjs writes no new mark equal to its neighbour).
		for (let n = 0; n <= MAX_LATE_MOVES; n++) {
			agencyClient.edit((doc) =>
				firstText(doc, OTHER_CLAUSE).insert(0, `Reuse ${n}. `, {
					insertion: suggestionMark(agency, 'agency', 'reused', new Date(Date.now() + n).toISOString())
				})
			);
		}
		expect(await within(agencyClient.closed, 'the reuser is disconnected')).toMatchObject({
			code: 4422,
			reason: expect.stringMatching('keeps using suggestion id reused')
		});
		await districtClient.roundTrip();
		const seen = plain(firstText(districtClient.doc, OTHER_CLAUSE));
		expect(seen).not.toContain(`Reuse ${MAX_LATE_MOVES}. `);
		expect(plain(firstText(await storedDoc(mouId), OTHER_CLAUSE))).not.toContain(`Reuse ${MAX_LATE_MOVES}. `);
	});

	it(`refuses decided ids reused past ${MAX_LATE_WORK_PER_PERSON} late updates of one person in ${LATE_TYPING_MS / 1000} s, however many ids they spread them over`, async () => {
		const { server, mouId, agencyClient, districtClient } = await bothCounselOnANewMou();
		const ids = ['spread-0', 'spread-1', 'spread-2'];
		for (const id of ids) await decidedSuggestion(server, agencyClient, mouId, id, 'reject');
		expect(MAX_LATE_WORK_PER_PERSON / ids.length).toBeLessThan(MAX_LATE_MOVES); // no one id reaches its own limit
		for (let n = 0; n <= MAX_LATE_WORK_PER_PERSON; n++) {
			agencyClient.edit((doc) =>
				firstText(doc, OTHER_CLAUSE).insert(0, `Reuse ${n}. `, {
					insertion: suggestionMark(agency, 'agency', ids[n % ids.length], new Date(Date.now() + n).toISOString())
				})
			);
		}
		expect(await within(agencyClient.closed, 'the reuser is disconnected')).toMatchObject({
			code: 4422,
			reason: expect.stringMatching('keeps using suggestion id spread-')
		});
		await districtClient.roundTrip();
		expect(plain(firstText(districtClient.doc, OTHER_CLAUSE))).not.toContain(`Reuse ${MAX_LATE_WORK_PER_PERSON}. `);
		expect(plain(firstText(await storedDoc(mouId), OTHER_CLAUSE))).not.toContain(`Reuse ${MAX_LATE_WORK_PER_PERSON}. `);
	});

	it('moves it in a room loaded after the suggestion was rejected', async () => {
		const first = await startServer();
		const mouId = await createMouBetween(db.sql, agency, district);
		await decidedSuggestion(first, await connected(first, agency, mouId), mouId, 'own-rejected', 'reject');

		const second = await startServer(); // shares only the database: loads the room from what is stored
		const districtClient = await connected(second, district, mouId);
		await expectReuseMoved(await connected(second, agency, mouId), districtClient, mouId, 'own-rejected');
	});

	it('moves it on another instance that heard of the decision through the relay', async () => {
		const one = await startServer(true);
		const two = await startServer(true);
		const mouId = await createMouBetween(db.sql, agency, district);
		const agencyClient = await connected(two, agency, mouId);
		const districtClient = await connected(two, district, mouId);
		const noticed = agencyClient.notices.length;
		await decidedSuggestion(one, agencyClient, mouId, 'relayed-decision', 'accept');
		await waitFor(() => agencyClient.notices.slice(noticed).includes('history'), 'the decision announced on instance two');

		await expectReuseMoved(agencyClient, districtClient, mouId, 'relayed-decision');
	});
});

// The editor's real behaviour: typing on at the end of (or inside) one's own insertion carries the
// identical mark forward, so the keystroke's update holds no format item of its own. A keystroke
// typed before the decision reached the author's editor lands unmarked once the decision took the
// marks away; it is late typing, kept as a new open suggestion of its author.

/** The author's editor as it was before the decision reached it: same client (unless `clientID` is given), same state. */
function staleCopy(client: YjsClient, clientID = client.doc.clientID): Y.Doc {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(client.doc));
	doc.clientID = clientID; // after: Yjs gives a doc a new id when an update writes with its own
	return doc;
}

/**
 * A client id below any the server takes for its marks: Yjs orders what is typed at the same place
 * by client id, so a keystroke typed at the start of the server's mark on the one before lands
 * before that mark, not inside it, and is unmarked late typing again.
 */
const BEFORE_SERVER_MARKS = 3;

/** Types on `stale` and sends it through `client` (whose own doc takes it in too), as an editor that has not seen the decision would. */
function typeLate(client: YjsClient, stale: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
	const updates: Uint8Array[] = [];
	const capture = (update: Uint8Array) => updates.push(update);
	stale.on('update', capture);
	stale.transact(() => change(stale));
	stale.off('update', capture);
	const update = Y.mergeUpdates(updates);
	Y.applyUpdate(client.doc, update);
	client.sendUpdate(update);
	return update;
}

const formatItemsIn = (update: Uint8Array) =>
	Y.decodeUpdate(update).structs.filter((struct) => struct instanceof Y.Item && struct.content instanceof Y.ContentFormat).length;

const insertionRuns = (text: Y.XmlText) =>
	(text.toDelta() as Array<{ insert: unknown; attributes?: { insertion?: { id: string; party: string; authorId: string } } }>).flatMap((op) =>
		op.attributes?.insertion && typeof op.insert === 'string' ? [{ text: op.insert, ...op.attributes.insertion }] : []
	);

describe('late typing that carries its suggestion’s mark forward', () => {
	for (const decision of ['accept', 'reject'] as const) {
		it(`keeps the author's keystrokes typed as their suggestion was decided (${decision}) as a new open suggestion, and keeps them connected`, async () => {
			const { server, mouId, agencyClient, districtClient } = await bothCounselOnANewMou();
			const mark = suggestionMark(agency, 'agency', `typing-${decision}`);
			agencyClient.edit((doc) => firstText(doc, OPEN_CLAUSE).insert(0, 'Monthly ', { insertion: mark }));
			await within(agencyClient.allStored(), 'suggestion stored');
			const stale = staleCopy(agencyClient);
			const decided = await decideAsSeen({ sql: db.sql, collab: server.collab }, district.user, mouId, { suggestionIds: [mark.id], decision });
			expect(decided).toMatchObject({ ok: true });
			await waitFor(() => !hasMark(firstText(districtClient.doc, OPEN_CLAUSE), mark.id), 'the decision stored');
			const agreed = await storedDoc(mouId);

			const late = typeLate(agencyClient, stale, (doc) => firstText(doc, OPEN_CLAUSE).insert(8, 'meetings', { insertion: mark }));
			expect(formatItemsIn(late)).toBe(0); // what the editor sends: the mark goes on by itself
			typeLate(agencyClient, stale, (doc) => firstText(doc, OPEN_CLAUSE).insert(16, ' with', { insertion: mark }));

			await waitFor(() => {
				if (agencyClient.closeEvent) throw new Error(`the author was disconnected: ${JSON.stringify(agencyClient.closeEvent)}`);
				return insertionRuns(firstText(districtClient.doc, OPEN_CLAUSE)).some((run) => run.text.includes('with'));
			}, 'the other side sees a suggestion');
			await within(agencyClient.allStored(), 'the late typing stored');
			expect(agencyClient.isOpen()).toBe(true);
			const seen = firstText(districtClient.doc, OPEN_CLAUSE);
			expect(plain(seen)).toContain(decision === 'accept' ? 'Monthly meetings with' : 'meetings with');
			const runs = insertionRuns(seen);
			expect(runs.map((run) => run.text).join('')).toBe('meetings with');
			const successors = new Set(runs.map((run) => run.id));
			expect(successors.size).toBe(1);
			const [successor] = successors;
			expect(successor).not.toBe(mark.id);
			expect(runs[0]).toMatchObject({ party: 'agency', authorId: agency.user.id });
			const stored = await storedDoc(mouId);
			const open = openSuggestions(stored);
			expect(open.find((s) => s.id === successor)).toMatchObject({ party: 'agency', authorId: agency.user.id, kind: 'insertion' });
			expect(open.some((s) => s.id === mark.id)).toBe(false);
			expect(unaccountedText(stored, agreed, [mark.id])).toBe('');

			// The other side decides the late typing like any suggestion.
			const rejected = await decideAsSeen({ sql: db.sql, collab: server.collab }, district.user, mouId, {
				suggestionIds: [successor],
				decision: 'reject'
			});
			expect(rejected).toMatchObject({ ok: true });
			await waitFor(() => !plain(firstText(districtClient.doc, OPEN_CLAUSE)).includes('with'), 'the late typing rejected');
		});
	}

	/**
	 * The agency's suggestion "Monthly " accepted (or withdrawn by its author); returns the mark,
	 * editors that have not seen the decision, and the stored document right after it.
	 */
	async function acceptedRun(decision: 'accept' | 'withdraw' = 'accept', typistClient?: number) {
		const { server, mouId, agencyClient, districtClient } = await bothCounselOnANewMou();
		const mark = suggestionMark(agency, 'agency', `hostile-${decision}`);
		agencyClient.edit((doc) => firstText(doc, OPEN_CLAUSE).insert(0, 'Monthly ', { insertion: mark }));
		await within(agencyClient.allStored(), 'suggestion stored');
		await waitFor(() => hasMark(firstText(districtClient.doc, OPEN_CLAUSE), mark.id), 'the other side has it');
		const staleAgency = staleCopy(agencyClient, typistClient);
		const staleDistrict = staleCopy(districtClient);
		const decider = decision === 'accept' ? district : agency;
		expect(await decideAsSeen({ sql: db.sql, collab: server.collab }, decider.user, mouId, { suggestionIds: [mark.id], decision })).toMatchObject({
			ok: true
		});
		await waitFor(() => !hasMark(firstText(agencyClient.doc, OPEN_CLAUSE), mark.id), 'the decision reached the author');
		return { mouId, agencyClient, districtClient, staleAgency, staleDistrict, mark, agreed: await storedDoc(mouId) };
	}

	/** `agreed`: the stored document right after the decision; nothing stored since may be unmarked. */
	async function expectRefused(
		client: YjsClient,
		watcher: YjsClient,
		{ mouId, agreed, mark }: { mouId: string; agreed: Y.Doc; mark: SuggestionAttrs },
		words: string,
		reason = 'not marked as your party',
		timeoutMs = 5_000
	) {
		expect(await within(client.closed, 'the writer is disconnected', timeoutMs)).toMatchObject({ code: 4422, reason: expect.stringMatching(reason) });
		await watcher.roundTrip();
		expect(JSON.stringify(watcher.doc.getXmlFragment('body').toJSON())).not.toContain(words);
		const stored = await storedDoc(mouId);
		expect(JSON.stringify(stored.getXmlFragment('body').toJSON())).not.toContain(words);
		expect(unaccountedText(stored, agreed, [mark.id])).toBe('');
	}

	it('refuses the other party continuing the decided run unmarked', async () => {
		const run = await acceptedRun();
		const { agencyClient, districtClient, staleDistrict, mark } = run;
		typeLate(districtClient, staleDistrict, (doc) => firstText(doc, OPEN_CLAUSE).insert(8, 'Zqxnever', { insertion: mark }));
		await expectRefused(districtClient, agencyClient, run, 'Zqxnever');
	});

	it('refuses the author’s unmarked text anywhere but right at their decided run', async () => {
		const run = await acceptedRun();
		const { agencyClient, districtClient } = run;
		agencyClient.edit((doc) => firstText(doc, OTHER_CLAUSE).insert(0, 'Zqxelsewhere '));
		await expectRefused(agencyClient, districtClient, run, 'Zqxelsewhere');
	});

	it('refuses the author’s unmarked text one character past their decided run', async () => {
		const run = await acceptedRun();
		const { agencyClient, districtClient } = run;
		agencyClient.edit((doc) => firstText(doc, OPEN_CLAUSE).insert(9, 'Zqxbeyond'));
		await expectRefused(agencyClient, districtClient, run, 'Zqxbeyond');
	});

	/** One late keystroke per update, each a character typed at the end of the last, as the editor sends them; returns what was typed. */
	function typeBurst(client: YjsClient, stale: Y.Doc, mark: SuggestionAttrs, count: number, at?: number): string {
		let typed = '';
		for (let n = 0; n < count; n++) {
			const char = String.fromCharCode(97 + (n % 26));
			const late = typeLate(client, stale, (doc) => firstText(doc, OPEN_CLAUSE).insert(at ?? 8 + n, char, { insertion: mark }));
			expect(formatItemsIn(late)).toBe(0);
			typed += char;
		}
		return typed;
	}

	/** Every late keystroke acknowledged (the client's own doc took a new client id when it took in the stale editor's updates). */
	const lateTypingStored = (client: YjsClient, stale: Y.Doc) =>
		waitFor(
			() => {
				if (client.closeEvent) throw new Error(`the author was disconnected: ${JSON.stringify(client.closeEvent)}`);
				return (client.persisted.get(stale.clientID) ?? 0) >= Y.getState(stale.store, stale.clientID);
			},
			'every late keystroke stored',
			20_000
		);

	for (const count of [5, 60]) {
		it(`keeps a burst of ${count} one-character late keystrokes as one open suggestion of the author, every character marked`, async () => {
			const { mouId, agencyClient, districtClient, staleAgency, mark, agreed } = await acceptedRun();
			const typed = typeBurst(agencyClient, staleAgency, mark, count);
			await lateTypingStored(agencyClient, staleAgency);
			expect(agencyClient.isOpen()).toBe(true);
			const stored = await storedDoc(mouId);
			expect(plain(firstText(stored, OPEN_CLAUSE))).toContain(`Monthly ${typed}`);
			const runs = insertionRuns(firstText(stored, OPEN_CLAUSE));
			expect(runs.map((run) => run.text).join('')).toBe(typed);
			const successors = new Set(runs.map((run) => run.id));
			expect(successors.size).toBe(1);
			const [successor] = successors;
			expect(openSuggestions(stored).find((s) => s.id === successor)).toMatchObject({ party: 'agency', authorId: agency.user.id, kind: 'insertion' });
			expect(unaccountedText(stored, agreed, [mark.id])).toBe('');
			// Both editors are sent the server's marks, the author's included.
			for (const client of [agencyClient, districtClient]) {
				await waitFor(
					() =>
						insertionRuns(firstText(client.doc, OPEN_CLAUSE))
							.map((run) => run.text)
							.join('') === typed,
					'the editor shows the marks'
				);
			}
		});
	}

	for (const restored of [false, true]) {
		it(`refuses the author’s late typing after a forged run end (a format item of their own${restored ? ', the mark restored after it' : ''}) once they withdrew their suggestion, and stores nothing unmarked`, async () => {
			const run = await acceptedRun('withdraw');
			const { agencyClient, districtClient, staleAgency } = run;
			typeLate(agencyClient, staleAgency, (doc) => {
				const text = firstText(doc, OPEN_CLAUSE);
				const before = Y.getState(doc.store, doc.clientID);
				text.insert(4, 'Zqxforged', { insertion: null }); // a run end inside the withdrawn run, then text
				doc.transact((tr) => {
					for (let item = text._start; item && !restored; item = item.right) {
						const mine = item.id.client === doc.clientID && item.id.clock >= before;
						if (mine && item.content instanceof Y.ContentFormat && item.content.value !== null) item.delete(tr);
					}
				});
			});
			await expectRefused(agencyClient, districtClient, run, 'Zqxforged', 'not marked as your party|removed mark of suggestion hostile-withdraw');
		});
	}

	it('refuses a removed mark of the author’s decided suggestion placed elsewhere, which late typing could continue', async () => {
		const run = await acceptedRun();
		const { agencyClient, districtClient, staleAgency, mark } = run;
		typeLate(agencyClient, staleAgency, (doc) => {
			const text = firstText(doc, OTHER_CLAUSE);
			const before = Y.getState(doc.store, doc.clientID);
			text.insert(0, 'Zqxanywhere ', { insertion: mark });
			doc.transact((tr) => {
				for (let item = text._start; item; item = item.right) {
					const mine = item.id.client === doc.clientID && item.id.clock >= before;
					if (mine && (item.content instanceof Y.ContentFormat || item.content instanceof Y.ContentString)) item.delete(tr);
				}
			});
		});
		await expectRefused(agencyClient, districtClient, run, 'Zqxanywhere', 'removed mark of suggestion hostile-accept');
	});

	it(`refuses late typing past ${MAX_LATE_TYPING} late updates, and stores none of the excess unmarked`, async () => {
		const run = await acceptedRun('accept', BEFORE_SERVER_MARKS);
		const { mouId, agencyClient, districtClient, staleAgency, mark } = run;
		// Each keystroke typed at the decided run's end, before the ones typed so far: each one is marked by the server.
		typeBurst(agencyClient, staleAgency, mark, MAX_LATE_TYPING, 8);
		await lateTypingStored(agencyClient, staleAgency);
		typeLate(agencyClient, staleAgency, (doc) => firstText(doc, OPEN_CLAUSE).insert(8, 'Zqxexcess', { insertion: mark }));
		await expectRefused(agencyClient, districtClient, run, 'Zqxexcess', 'not marked as your party', 30_000);
		const stored = await storedDoc(mouId);
		expect(
			insertionRuns(firstText(stored, OPEN_CLAUSE))
				.map((run) => run.text)
				.join('')
		).toHaveLength(MAX_LATE_TYPING);
		expect(unaccountedText(stored, run.agreed, [mark.id])).toBe('');
	});

	/**
	 * The late-typing window (LATE_TYPING_MS) closing in the middle of an admission: right after the
	 * tracked-change rules judged an update, the clock moves past it for the rest of that admission
	 * (what an attacker can aim for by timing a padded keystroke from their own withdrawal).
	 * Returns how many updates were judged so.
	 */
	function windowClosesAsTheUpdateIsJudged(): () => number {
		const realNow = Date.now.bind(Date);
		let skew = 0;
		let judged = 0;
		vi.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
		const check = ShadowDocument.prototype.check;
		vi.spyOn(ShadowDocument.prototype, 'check').mockImplementation(function (this: ShadowDocument, update, writer) {
			const verdict = check.call(this, update, writer);
			judged++;
			skew = LATE_TYPING_MS + 1;
			queueMicrotask(() => (skew = 0)); // admission is synchronous: this is once it is over
			return verdict;
		});
		return () => judged;
	}

	for (const [decision, padding] of [
		['accept', 0],
		['withdraw', 0],
		['withdraw', 2000]
	] as const) {
		it(`stores late typing admitted just inside the window marked, even if the window closes while it is admitted (${decision}${padding ? `, padded with ${padding} items` : ''})`, async () => {
			const { mouId, agencyClient, districtClient, staleAgency, mark, agreed } = await acceptedRun(decision);
			const pad = suggestionMark(agency, 'agency', `pad-${decision}`);
			if (padding > 0) {
				typeLate(agencyClient, staleAgency, (doc) => firstText(doc, OTHER_CLAUSE).insert(0, 'PP', { insertion: pad }));
				await lateTypingStored(agencyClient, staleAgency);
			}
			const judged = windowClosesAsTheUpdateIsJudged();
			typeLate(agencyClient, staleAgency, (doc) => {
				firstText(doc, OPEN_CLAUSE).insert(8, 'Zqxlate', { insertion: mark });
				const text = firstText(doc, OTHER_CLAUSE);
				for (let n = 0; n < padding; n++) text.insert(1 + (n % 2), 'p', { insertion: pad }); // separate items in an own open run
			});
			await lateTypingStored(agencyClient, staleAgency);
			expect(judged()).toBe(1);
			vi.restoreAllMocks();
			expect(agencyClient.isOpen()).toBe(true);
			await districtClient.roundTrip();
			const seen = insertionRuns(firstText(districtClient.doc, OPEN_CLAUSE));
			expect(seen.map((run) => run.text).join('')).toBe('Zqxlate');
			expect(seen[0].id).not.toBe(mark.id);
			const stored = await storedDoc(mouId);
			expect(insertionRuns(firstText(stored, OPEN_CLAUSE)).map((run) => run.text)).toEqual(['Zqxlate']);
			expect(unaccountedText(stored, agreed, [mark.id])).toBe('');
		});
	}

	it(`refuses late typing judged after the window closed, and stores none of it`, async () => {
		const run = await acceptedRun('withdraw');
		const realNow = Date.now.bind(Date);
		vi.spyOn(Date, 'now').mockImplementation(() => realNow() + LATE_TYPING_MS);
		typeLate(run.agencyClient, run.staleAgency, (doc) => firstText(doc, OPEN_CLAUSE).insert(8, 'Zqxtoolate', { insertion: run.mark }));
		await expectRefused(run.agencyClient, run.districtClient, run, 'Zqxtoolate');
	});

	it(`refuses a person's late typing past ${MAX_LATE_WORK_PER_PERSON} late updates in ${LATE_TYPING_MS / 1000} s, however many of their suggestions one decision closed`, async () => {
		const { server, mouId, agencyClient, districtClient } = await bothCounselOnANewMou();
		const marks = [OPEN_CLAUSE, OTHER_CLAUSE].map((clauseId, n) => ({ clauseId, mark: suggestionMark(agency, 'agency', `budget-${n}`) }));
		for (const { clauseId, mark } of marks) agencyClient.edit((doc) => firstText(doc, clauseId).insert(0, 'Monthly ', { insertion: mark }));
		await within(agencyClient.allStored(), 'suggestions stored');
		await waitFor(() => marks.every(({ clauseId, mark }) => hasMark(firstText(districtClient.doc, clauseId), mark.id)), 'the other side has them');
		const stale = staleCopy(agencyClient, BEFORE_SERVER_MARKS);
		const suggestionIds = marks.map(({ mark }) => mark.id);
		expect(await decideAsSeen({ sql: db.sql, collab: server.collab }, district.user, mouId, { suggestionIds, decision: 'accept' })).toMatchObject({
			ok: true
		});
		await waitFor(() => !hasMark(firstText(agencyClient.doc, OPEN_CLAUSE), marks[0].mark.id), 'the decision reached the author');
		const agreed = await storedDoc(mouId);
		// Half the budget into each decided run, each keystroke marked on its own (typed at the run's end, before the ones so far).
		for (const { clauseId, mark } of marks) {
			for (let n = 0; n < MAX_LATE_WORK_PER_PERSON / 2; n++)
				typeLate(agencyClient, stale, (doc) => firstText(doc, clauseId).insert(8, 'k', { insertion: mark }));
		}
		await lateTypingStored(agencyClient, stale);
		typeLate(agencyClient, stale, (doc) => firstText(doc, OPEN_CLAUSE).insert(8, 'Zqxexcess', { insertion: marks[0].mark }));
		await expectRefused(agencyClient, districtClient, { mouId, agreed, mark: marks[0].mark }, 'Zqxexcess', 'not marked as your party', 30_000);
		const stored = await storedDoc(mouId);
		const late = marks.map(({ clauseId }) =>
			insertionRuns(firstText(stored, clauseId))
				.map((run) => run.text)
				.join('')
		);
		expect(late.join('')).toHaveLength(MAX_LATE_WORK_PER_PERSON);
		expect(unaccountedText(stored, agreed, suggestionIds)).toBe('');
	});
});
