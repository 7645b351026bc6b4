import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { freshDatabase } from '../helpers/db';
import { createMouBetween, createOrganization, type Person } from '../helpers/fixtures';
import { connectYjsClient, waitFor, within, type YjsClient } from '../helpers/yjs-client';
import { startCollabHttp } from '../helpers/collab-http';
import { suggestionMark } from '../helpers/stored-edits';
import type { Database } from '../../src/lib/server/db';
import { createRedisRelay, loadDocumentState } from '../../src/lib/server/collab';
import { decideSuggestions } from '../../src/lib/server/redlines';
import { CloseCode } from '../../src/lib/collab/protocol';

// A decided suggestion id is closed for good: not even its own author may start a new tracked
// change (or term proposal) with it, on the instance that decided, on one that loads the room
// afterwards, or on another instance that hears of the decision through the relay. A bare Yjs
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

async function storedText(mouId: string, clauseId: string): Promise<string> {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, await loadDocumentState(db.sql, mouId));
	return plain(firstText(doc, clauseId));
}

/** The agency suggests text under `id`; district counsel decides it through `server`. */
async function decidedSuggestion(server: Server, agencyClient: YjsClient, mouId: string, id: string, decision: 'accept' | 'reject') {
	agencyClient.edit((doc) => firstText(doc, OPEN_CLAUSE).insert(0, 'Monthly meetings. ', { insertion: suggestionMark(agency, 'agency', id) }));
	await within(agencyClient.allStored(), 'suggestion stored');
	const result = await decideSuggestions({ sql: db.sql, collab: server.collab }, district.user, mouId, { suggestionIds: [id], decision });
	expect(result).toMatchObject({ ok: true });
	await waitFor(() => !hasMark(firstText(agencyClient.doc, OPEN_CLAUSE), id), 'the decision reached the author');
}

/** The author's new mark under the decided id: closed with 4422, stored nowhere, seen by nobody. */
async function expectReuseRefused(author: YjsClient, watcher: YjsClient, mouId: string, id: string) {
	const broadcasts = watcher.broadcasts;
	author.edit((doc) => firstText(doc, OTHER_CLAUSE).insert(0, 'Officers may search lockers. ', { insertion: suggestionMark(agency, 'agency', id) }));
	const closed = await within(author.closed, 'the author is disconnected');
	expect(closed).toMatchObject({ code: CloseCode.updateRefused, reason: expect.stringMatching(`suggestion id ${id}, which was already decided`) });
	await watcher.roundTrip();
	expect(watcher.broadcasts).toBe(broadcasts);
	expect(plain(firstText(watcher.doc, OTHER_CLAUSE))).not.toContain('search lockers');
	expect(await storedText(mouId, OTHER_CLAUSE)).not.toContain('search lockers');
}

describe('a decided suggestion id is never used again', () => {
	it('refuses the author’s new mark under their own accepted suggestion’s id, while a fresh id still goes through', async () => {
		const server = await startServer();
		const mouId = await createMouBetween(db.sql, agency, district);
		const agencyClient = await connected(server, agency, mouId);
		const districtClient = await connected(server, district, mouId);
		await decidedSuggestion(server, agencyClient, mouId, 'own-accepted', 'accept');

		agencyClient.edit((doc) => firstText(doc, OTHER_CLAUSE).insert(0, 'Weekly visits. ', { insertion: suggestionMark(agency, 'agency', 'own-fresh') }));
		await within(agencyClient.allStored(), 'a fresh suggestion stored');
		await waitFor(() => plain(firstText(districtClient.doc, OTHER_CLAUSE)).startsWith('Weekly visits. '), 'the other side sees it');

		await expectReuseRefused(agencyClient, districtClient, mouId, 'own-accepted');
	});

	it('refuses it in a room loaded after the suggestion was rejected', async () => {
		const first = await startServer();
		const mouId = await createMouBetween(db.sql, agency, district);
		await decidedSuggestion(first, await connected(first, agency, mouId), mouId, 'own-rejected', 'reject');

		const second = await startServer(); // shares only the database: loads the room from what is stored
		const districtClient = await connected(second, district, mouId);
		await expectReuseRefused(await connected(second, agency, mouId), districtClient, mouId, 'own-rejected');
	});

	it('refuses it on another instance that heard of the decision through the relay', async () => {
		const one = await startServer(true);
		const two = await startServer(true);
		const mouId = await createMouBetween(db.sql, agency, district);
		const agencyClient = await connected(two, agency, mouId);
		const districtClient = await connected(two, district, mouId);
		const noticed = agencyClient.notices.length;
		await decidedSuggestion(one, agencyClient, mouId, 'relayed-decision', 'accept');
		await waitFor(() => agencyClient.notices.slice(noticed).includes('history'), 'the decision announced on instance two');

		await expectReuseRefused(agencyClient, districtClient, mouId, 'relayed-decision');
	});
});
