import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { freshDatabase } from '../helpers/db';
import { clauseText, tokenWorld } from '../helpers/collab-world';
import { loopbackPool, synced, type LoopbackCollab, type ProviderClient } from '../helpers/collab-loopback';
import { clauseElement } from '../helpers/mou-doc';
import { storedDoc } from '../helpers/stored-edits';
import { sleep, waitFor } from '../helpers/wait';
import type { Database } from '../../src/lib/server/db';
import type { CollabIdentity, CollabLimits } from '../../src/lib/server/collab';
import { readConfig } from '../../src/lib/server/config';
import { CloseCode, MESSAGE_QUERY_AWARENESS } from '../../src/lib/collab/protocol';

// Each limit closes the connection that exceeds it, with its own close code and a reason a
// person can act on, and leaves everyone else in the room editing.

let db: Database;
const world = tokenWorld(() => db.sql, 'limits');
const { authorize, insertUser } = world;
let agencyCounsel: CollabIdentity;

function templateUpdate(): Uint8Array {
	const doc = new Y.Doc({ gc: false });
	doc.getXmlFragment('body').insert(0, [clauseElement({ clauseId: 'local', level: 'custom' }, 'Local terms.')]);
	return Y.encodeStateAsUpdate(doc);
}

function newMou(): Promise<string> {
	return world.newMou({ title: 'Springfield SRO MOU', createdBy: agencyCounsel.userId, state: templateUpdate() });
}

type Running = LoopbackCollab;
type Client = ProviderClient;

const pool = loopbackPool(() => ({ sql: db.sql, authorize }));
const startServer = (limits: Partial<CollabLimits> = {}) => pool.start({ limits });
const connect = (server: Running, mouId: string, token: string) => pool.connect(server.base, mouId, token);

interface Raw {
	ws: WebSocket;
	opened: Promise<void>;
	closed: Promise<{ code: number; reason: string }>;
}

const raws: Raw[] = [];

function rawClient(server: Running, mouId: string, token: string, options: WebSocket.ClientOptions = {}): Raw {
	const ws = new WebSocket(`${server.base}/${mouId}?token=${token}`, options);
	const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()));
	const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
	ws.on('error', () => {});
	const raw = { ws, opened, closed };
	raws.push(raw);
	return raw;
}

/** Still open after the server had time to close it. */
async function stillOpen(raw: Raw, ms = 300): Promise<boolean> {
	const outcome = await Promise.race([raw.closed.then(() => 'closed'), sleep(ms).then(() => 'open')]);
	return outcome === 'open';
}

const text = (doc: Y.Doc) => clauseText(doc, 0);

async function storedText(mouId: string): Promise<string> {
	return text(await storedDoc(db.sql, mouId)).toString();
}

/** Edits on the remaining connections still go through and are stored. */
async function roomStillEdits(mouId: string, writer: Client, reader: Client, words: string) {
	text(writer.doc).insert(0, words);
	await waitFor(() => text(reader.doc).toString().startsWith(words), 'edit reaches the other client');
	await waitFor(async () => (await storedText(mouId)).startsWith(words), 'edit stored');
	expect(writer.closes).toEqual([]);
	expect(reader.closes).toEqual([]);
}

const QUERY_AWARENESS = (() => {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_QUERY_AWARENESS);
	return encoding.toUint8Array(encoder);
})();

beforeAll(async () => {
	db = await freshDatabase();
	const { agencyId, districtId } = await world.organizations('Springfield');
	agencyCounsel = await insertUser(agencyId, 'Avery Agency-Counsel', 'agency');
	await insertUser(districtId, 'Dakota District-Counsel', 'district');
	await insertUser(districtId, 'Riley Reviewer', 'district');
});

afterEach(async () => {
	for (const raw of raws.splice(0)) raw.ws.terminate();
	await pool.closeAll();
});

afterAll(async () => {
	await db?.close();
});

// ---------------------------------------------------------------------------------------------

describe('collaboration limits', () => {
	it('closes a connection that sends messages faster than the rate limit with 4429', async () => {
		const server = await startServer({ messagesPerSecond: 20, messageBurst: 40 });
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		const dakota = await synced(connect(server, mouId, 'dakota'));

		const flood = rawClient(server, mouId, 'riley');
		await flood.opened;
		for (let i = 0; i < 200; i++) flood.ws.send(QUERY_AWARENESS);
		expect(await flood.closed).toEqual({ code: CloseCode.rateLimited, reason: expect.stringContaining('Too many messages') });
		expect(server.collab.stats().connectionsRateLimited).toBe(1);

		// Sending at the permitted pace is fine, however long it goes on.
		const steady = rawClient(server, mouId, 'riley');
		await steady.opened;
		for (let i = 0; i < 30; i++) {
			steady.ws.send(QUERY_AWARENESS);
			await sleep(60); // ~16 per second
		}
		expect(await stillOpen(steady)).toBe(true);
		await roomStillEdits(mouId, avery, dakota, 'Unaffected. ');
	});

	it('refuses a person’s connection beyond the per-person limit with 4429, and admits them again after one closes', async () => {
		const server = await startServer({ maxConnectionsPerUser: 2 });
		const mouId = await newMou();
		const otherMou = await newMou();
		const first = rawClient(server, mouId, 'avery');
		const second = rawClient(server, otherMou, 'avery'); // the limit counts every document
		await Promise.all([first.opened, second.opened]);
		await waitFor(() => server.collab.stats().connections === 2, 'two admitted');

		const third = rawClient(server, mouId, 'avery');
		expect(await third.closed).toEqual({ code: CloseCode.rateLimited, reason: expect.stringContaining('this person (limit 2)') });
		expect(server.collab.stats().connectionsRefused).toBe(1);
		expect(server.events).toContainEqual(expect.objectContaining({ event: 'collab.refused', code: CloseCode.rateLimited }));

		// Someone else is not affected, and the first two connections stay open.
		const dakota = await synced(connect(server, mouId, 'dakota'));
		expect(await stillOpen(first)).toBe(true);
		expect(await stillOpen(second)).toBe(true);

		first.ws.close();
		await first.closed;
		const avery = await synced(connect(server, mouId, 'avery'));
		await roomStillEdits(mouId, avery, dakota, 'Back in. ');
	});

	it('refuses a connection beyond the per-document limit with 4429; other documents stay open', async () => {
		const server = await startServer({ maxConnectionsPerDocument: 2 });
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		const dakota = await synced(connect(server, mouId, 'dakota'));

		const third = rawClient(server, mouId, 'riley');
		expect(await third.closed).toEqual({ code: CloseCode.rateLimited, reason: expect.stringContaining('this MOU (limit 2)') });
		const elsewhere = rawClient(server, await newMou(), 'riley');
		await elsewhere.opened;
		expect(await stillOpen(elsewhere)).toBe(true);
		await roomStillEdits(mouId, avery, dakota, 'Still two. ');
	});

	it('closes a connection that sends an oversize message with 4413; the others keep editing', async () => {
		const server = await startServer({ maxMessageBytes: 16 * 1024 });
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		const dakota = await synced(connect(server, mouId, 'dakota'));
		const big = rawClient(server, mouId, 'riley');
		await big.opened;
		big.ws.send(new Uint8Array(16 * 1024 + 1));
		expect(await big.closed).toEqual({ code: CloseCode.tooLarge, reason: expect.stringContaining('exceeds 16384') });
		await roomStillEdits(mouId, avery, dakota, 'Small. ');
	});

	it('drops a connection that stops answering pings with 4408; live ones stay', async () => {
		const server = await startServer({ pingIntervalMs: 100 });
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		const dakota = await synced(connect(server, mouId, 'dakota'));
		const silent = rawClient(server, mouId, 'riley', { autoPong: false });
		expect((await silent.closed).code).toBe(CloseCode.deadConnection);
		await sleep(300); // several more ping rounds
		await roomStillEdits(mouId, avery, dakota, 'Alive. ');
	});

	it('releases a document from memory when its last connection leaves, and only then', async () => {
		const server = await startServer();
		const [first, second] = [await newMou(), await newMou()];
		const avery = await synced(connect(server, first, 'avery'));
		const dakota = await synced(connect(server, first, 'dakota'));
		const riley = await synced(connect(server, second, 'riley'));
		expect(server.collab.stats()).toMatchObject({ documents: 2, connections: 3 });

		avery.provider.destroy();
		await sleep(200);
		expect(server.collab.stats().documents).toBe(2); // dakota is still in the first
		dakota.provider.destroy();
		riley.provider.destroy();
		await waitFor(() => server.collab.stats().documents === 0, 'both documents released');
		expect(server.collab.stats().connections).toBe(0);
		expect(server.events.filter((e) => e.event === 'collab.unloaded')).toHaveLength(2);
	});

	it('reads every limit from the environment and refuses values that are not positive whole numbers', () => {
		const config = readConfig({
			COLLAB_MAX_MESSAGE_BYTES: '65536',
			COLLAB_MESSAGES_PER_SECOND: '30',
			COLLAB_MESSAGE_BURST: '90',
			COLLAB_MAX_CONNECTIONS_PER_USER: '5',
			COLLAB_MAX_CONNECTIONS_PER_DOCUMENT: '12',
			COLLAB_PING_INTERVAL_MS: '15000',
			COLLAB_COMPACT_AFTER_UPDATES: '500',
			COLLAB_CATCH_UP_INTERVAL_MS: '20000',
			REDIS_URL: 'redis://cache.internal:6379',
			REDIS_PREFIX: 'staging:'
		});
		expect(config.collabLimits).toEqual({
			maxMessageBytes: 65536,
			messagesPerSecond: 30,
			messageBurst: 90,
			maxConnectionsPerUser: 5,
			maxConnectionsPerDocument: 12,
			pingIntervalMs: 15000,
			compactAfterUpdates: 500,
			catchUpIntervalMs: 20000
		});
		expect(config).toMatchObject({ redisUrl: 'redis://cache.internal:6379', redisPrefix: 'staging:' });
		expect(readConfig({}).collabLimits).toEqual({});
		expect(() => readConfig({ COLLAB_MESSAGES_PER_SECOND: 'lots' })).toThrow('COLLAB_MESSAGES_PER_SECOND must be a positive whole number');
		expect(() => readConfig({ COLLAB_MAX_CONNECTIONS_PER_USER: '0' })).toThrow(/positive whole number/);
	});
});
