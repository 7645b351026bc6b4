import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { freshDatabase } from '../helpers/db';
import { clauseText, tokenWorld, twoClauseDraft } from '../helpers/collab-world';
import { allPersisted, loopbackPool, synced, type LoopbackCollab } from '../helpers/collab-loopback';
import { rowCount, storedDoc } from '../helpers/stored-edits';
import { sleep, waitFor } from '../helpers/wait';
import { syncStep1Message } from '../helpers/yjs-client';
import type { Database } from '../../src/lib/server/db';
import type { CollabIdentity, CollabLimits } from '../../src/lib/server/collab';
import { CloseCode, MESSAGE_AWARENESS, MESSAGE_SYNC } from '../../src/lib/collab/protocol';

// ---------------------------------------------------------------------------------------------
// A small world: two organizations, counsel on each side, a viewer. Tokens stand in for
// session cookies; the real authorizeCollab is covered with the auth tests.

let db: Database;
const world = tokenWorld(() => db.sql, 'collab');
const insertUser = world.insertUser;
let agencyCounsel: CollabIdentity;
let districtCounsel: CollabIdentity;
let agencyViewer: CollabIdentity;

async function authorize(req: { url?: string }, _mouId: string) {
	const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
	if (token === 'slow-agency') {
		await new Promise((resolve) => setTimeout(resolve, 300));
		return agencyCounsel;
	}
	return world.authorize(req);
}

const templateUpdate = () => twoClauseDraft({ agencyName: 'Springfield PD' });

function newMou(): Promise<string> {
	const parties = { agencyId: agencyCounsel.organizationId, districtId: districtCounsel.organizationId };
	return world.newMou({ title: 'Springfield SRO MOU', createdBy: agencyCounsel.userId, state: templateUpdate(), parties });
}

// ---------------------------------------------------------------------------------------------
// Servers and clients

type Running = LoopbackCollab;

const pool = loopbackPool(() => ({ sql: db.sql, authorize }));
const startServer = (limits: Partial<CollabLimits> = {}) => pool.start({ limits });
const connect = (server: Running, mouId: string, token: string | null) => pool.connect(server.base, mouId, token);

interface Raw {
	ws: WebSocket;
	received: Uint8Array[];
	closed: Promise<{ code: number; reason: string }>;
}

function rawClient(server: Running, mouId: string, token: string | null): Raw {
	const ws = new WebSocket(`${server.base}/${mouId}${token ? `?token=${token}` : ''}`);
	const received: Uint8Array[] = [];
	ws.on('message', (data) => received.push(new Uint8Array(data as Buffer)));
	const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
	ws.on('error', () => {});
	return { ws, received, closed };
}

function opened(raw: Raw): Promise<void> {
	return new Promise((resolve) => raw.ws.once('open', () => resolve()));
}

const localClauseText = (doc: Y.Doc) => clauseText(doc, 1);
const lockedClauseText = (doc: Y.Doc) => clauseText(doc, 0);

beforeAll(async () => {
	db = await freshDatabase();
	const { agencyId, districtId } = await world.organizations('Springfield');
	agencyCounsel = await insertUser(agencyId, 'Avery Agency-Counsel', 'agency', true);
	districtCounsel = await insertUser(districtId, 'Dakota District-Counsel', 'district', true);
	agencyViewer = await insertUser(agencyId, 'Vic Viewer', 'agency', false);
});

afterEach(async () => {
	await pool.closeAll();
});

afterAll(async () => {
	await db?.close();
});

// ---------------------------------------------------------------------------------------------

describe('live collaboration on an MOU', () => {
	it('lets counsel of both sides edit together and stores every change', async () => {
		const server = await startServer();
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		const dakota = await synced(connect(server, mouId, 'dakota'));
		expect(localClauseText(dakota.doc).toString()).toBe('Local terms.');

		localClauseText(avery.doc).insert(0, 'Agreed ');
		dakota.doc.getMap('terms').set('districtName', 'Springfield USD');
		await waitFor(() => localClauseText(dakota.doc).toString() === 'Agreed Local terms.', 'agency edit reaches district');
		await waitFor(() => avery.doc.getMap('terms').get('districtName') === 'Springfield USD', 'district edit reaches agency');
		await waitFor(() => allPersisted(avery) && allPersisted(dakota), 'both acknowledged');

		const stored = await storedDoc(db.sql, mouId);
		expect(localClauseText(stored).toString()).toBe('Agreed Local terms.');
		expect(stored.getMap('terms').toJSON()).toEqual({ agencyName: 'Springfield PD', districtName: 'Springfield USD' });
		expect(await rowCount(db.sql, mouId, agencyCounsel.userId)).toBeGreaterThan(0);
		expect(await rowCount(db.sql, mouId, districtCounsel.userId)).toBeGreaterThan(0);
		expect(server.collab.stats()).toMatchObject({ connections: 2, documents: 1 });
		const [{ last_activity_at }] = await db.sql`select last_activity_at from mous where id = ${mouId}`;
		expect(Date.now() - new Date(last_activity_at).getTime()).toBeLessThan(60_000);
	});

	it('shows a viewer the live document but drops their edits', async () => {
		const server = await startServer();
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		const vic = await synced(connect(server, mouId, 'vic'));

		vic.doc.getMap('terms').set('agencyName', 'Hijacked PD');
		localClauseText(vic.doc).insert(0, 'VIEWER ');
		await sleep(200);
		localClauseText(avery.doc).insert(0, 'Later ');
		await waitFor(() => localClauseText(vic.doc).toString().includes('Later '), 'viewer sees counsel edit');

		expect(avery.doc.getMap('terms').get('agencyName')).toBe('Springfield PD');
		expect(localClauseText(avery.doc).toString()).toBe('Later Local terms.');
		expect(vic.closes).toEqual([]); // dropped, not disconnected
		expect(await rowCount(db.sql, mouId, agencyViewer.userId)).toBe(0);
		expect((await storedDoc(db.sql, mouId)).getMap('terms').get('agencyName')).toBe('Springfield PD');
		expect(server.collab.stats().updatesRefused).toBeGreaterThan(0);
	});

	it('refuses a connection without a session with 4401, and an unknown address with 4404', async () => {
		const server = await startServer();
		const mouId = await newMou();
		expect(await rawClient(server, mouId, null).closed).toEqual({ code: 4401, reason: 'Sign in to open this MOU.' });
		expect(await rawClient(server, mouId, 'nobody').closed).toMatchObject({ code: CloseCode.unauthenticated });
		expect((await rawClient(server, 'not-an-mou', 'avery').closed).code).toBe(CloseCode.notFound);

		const refused = connect(server, mouId, null);
		await waitFor(() => refused.closes.length > 0, 'provider refused');
		expect(refused.closes[0].code).toBe(4401);
	});

	it('answers messages sent while the connection is still being authorized', async () => {
		const server = await startServer();
		const mouId = await newMou();
		const raw = rawClient(server, mouId, 'slow-agency');
		await opened(raw);
		raw.ws.send(syncStep1Message()); // before authorize resolves (it takes 300 ms)
		await waitFor(() => raw.received.some((m) => m[0] === MESSAGE_SYNC && m[1] === syncProtocol.messageYjsSyncStep2), 'sync step 2');
		const reply = raw.received.find((m) => m[1] === syncProtocol.messageYjsSyncStep2)!;
		const decoder = decoding.createDecoder(reply);
		decoding.readVarUint(decoder);
		decoding.readVarUint(decoder);
		const doc = new Y.Doc();
		Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
		expect(localClauseText(doc).toString()).toBe('Local terms.');
		raw.ws.close();
	});

	it('loses no acknowledged update when the server restarts', async () => {
		let server = await startServer();
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		const text = localClauseText(avery.doc);
		for (let i = 0; i < 50; i++) text.insert(text.length - 1, ` ${i}`);
		avery.doc.getMap('terms').set('term', '3 years');
		await waitFor(() => allPersisted(avery), 'all acknowledged');
		const expected = text.toString();
		// The author is gone before the restart: only the database can bring the text back.
		avery.provider.destroy();
		await server.stop();

		server = await startServer();
		const reader = await synced(connect(server, mouId, 'dakota'));
		expect(localClauseText(reader.doc).toString()).toBe(expected);
		expect(reader.doc.getMap('terms').get('term')).toBe('3 years');
	});

	it('acknowledges content already stored when a client resends it after reconnecting', async () => {
		const server = await startServer();
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		localClauseText(avery.doc).insert(0, 'Stored ');
		await waitFor(() => allPersisted(avery), 'stored');
		const rows = await rowCount(db.sql, mouId, agencyCounsel.userId);

		// A second tab holding the same edits (as a reconnecting tab would) learns they are saved.
		const tab = connect(server, mouId, 'avery');
		Y.applyUpdate(tab.doc, Y.encodeStateAsUpdate(avery.doc));
		await waitFor(() => (tab.persisted.get(avery.doc.clientID) ?? 0) >= Y.getState(avery.doc.store, avery.doc.clientID), 'ack for resent content');
		expect(await rowCount(db.sql, mouId, agencyCounsel.userId)).toBe(rows); // nothing stored twice
	});

	it('acknowledges nothing while the database refuses writes, and stores the edit once it recovers', async () => {
		const server = await startServer();
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		const dakota = await synced(connect(server, mouId, 'dakota'));
		await db.sql.unsafe(`
			create function refuse_update() returns trigger language plpgsql as $$
			begin raise exception 'disk full'; end $$;
			create trigger refuse_update before insert on mou_updates
			for each row when (new.mou_id = '${mouId}') execute function refuse_update();`);
		try {
			localClauseText(avery.doc).insert(0, 'Unsaved ');
			await waitFor(() => avery.closes.some((c) => c.code === CloseCode.internalError), 'room closed after failed write');
			expect(allPersisted(avery)).toBe(false);
			expect(localClauseText(dakota.doc).toString()).toBe('Local terms.'); // never broadcast
			expect(server.events).toContainEqual(expect.objectContaining({ event: 'collab.error', stage: 'write', mouId }));
		} finally {
			await db.sql.unsafe('drop trigger refuse_update on mou_updates; drop function refuse_update();');
		}
		// The clients reconnect by themselves and the edit is stored from the author's copy.
		await waitFor(() => allPersisted(avery), 'stored after recovery');
		await waitFor(() => localClauseText(dakota.doc).toString() === 'Unsaved Local terms.', 'edit reaches district');
		expect(localClauseText(await storedDoc(db.sql, mouId)).toString()).toBe('Unsaved Local terms.');
	});

	it('stores and acknowledges a burst of edits in order', async () => {
		const server = await startServer();
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		const dakota = await synced(connect(server, mouId, 'dakota'));
		const text = localClauseText(avery.doc);
		for (let i = 0; i < 300; i++) text.insert(text.length, String(i % 10));
		await waitFor(() => allPersisted(avery), 'burst acknowledged');
		await waitFor(() => localClauseText(dakota.doc).toString() === text.toString(), 'burst reaches district');
		expect(localClauseText(await storedDoc(db.sql, mouId)).toString()).toBe(text.toString());
		expect(server.collab.stats().updatesAccepted).toBeGreaterThanOrEqual(300);
	});

	it('closes only the connection that sends garbage; the others keep editing', async () => {
		const server = await startServer();
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		const dakota = await synced(connect(server, mouId, 'dakota'));

		const garbage = rawClient(server, mouId, 'avery');
		await opened(garbage);
		garbage.ws.send(new Uint8Array([MESSAGE_SYNC, 2, 200, 1, 7])); // update longer than the frame
		expect((await garbage.closed).code).toBe(CloseCode.malformed);

		const unknownType = rawClient(server, mouId, 'dakota');
		await opened(unknownType);
		unknownType.ws.send(new Uint8Array([42, 0]));
		expect(await unknownType.closed).toMatchObject({ code: CloseCode.malformed, reason: expect.stringContaining('unknown message type') });

		const text = rawClient(server, mouId, 'dakota');
		await opened(text);
		text.ws.send('hello');
		expect((await text.closed).code).toBe(CloseCode.malformed);

		localClauseText(avery.doc).insert(0, 'Still ');
		await waitFor(() => localClauseText(dakota.doc).toString() === 'Still Local terms.', 'room carries on');
		expect(avery.closes).toEqual([]);
		expect(dakota.closes).toEqual([]);
	});

	it('closes a connection that sends an oversize message with 4413', async () => {
		const server = await startServer({ maxMessageBytes: 64 * 1024 });
		const mouId = await newMou();
		const dakota = await synced(connect(server, mouId, 'dakota'));
		const big = rawClient(server, mouId, 'avery');
		await opened(big);
		big.ws.send(new Uint8Array(64 * 1024 + 1));
		expect((await big.closed).code).toBe(CloseCode.tooLarge);

		// A real client pasting too much is refused the same way and does not retry.
		const avery = await synced(connect(server, mouId, 'avery'));
		localClauseText(avery.doc).insert(0, 'x'.repeat(100 * 1024));
		await waitFor(() => avery.closes.length > 0, 'oversize update refused');
		expect(avery.closes[0].code).toBe(CloseCode.tooLarge);
		expect(dakota.closes).toEqual([]);
		expect(localClauseText(await storedDoc(db.sql, mouId)).toString()).toBe('Local terms.');
	});

	it('refuses an edit inside a locked clause with 4422 and stores nothing of it', async () => {
		const server = await startServer();
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		const dakota = await synced(connect(server, mouId, 'dakota'));
		const rowsBefore = await rowCount(db.sql, mouId, agencyCounsel.userId);

		lockedClauseText(avery.doc).insert(0, 'NOT ');
		await waitFor(() => avery.closes.length > 0, 'locked edit refused');
		expect(avery.closes[0]).toMatchObject({ code: CloseCode.updateRefused, reason: expect.stringContaining('locked clause') });

		// Deleting the locked text is refused too.
		const deleter = await synced(connect(server, mouId, 'dakota'));
		lockedClauseText(deleter.doc).delete(0, 4);
		await waitFor(() => deleter.closes.length > 0, 'locked delete refused');
		expect(deleter.closes[0].code).toBe(CloseCode.updateRefused);

		localClauseText(dakota.doc).insert(0, 'Fine ');
		await waitFor(() => allPersisted(dakota), 'open clause edit stored');
		expect(lockedClauseText(dakota.doc).toString()).toBe('The parties establish an SRO program.');
		expect(await rowCount(db.sql, mouId, agencyCounsel.userId)).toBe(rowsBefore);
		const stored = await storedDoc(db.sql, mouId);
		expect(lockedClauseText(stored).toString()).toBe('The parties establish an SRO program.');
		expect(localClauseText(stored).toString()).toBe('Fine Local terms.');
	});

	it('refuses writes to a root outside the document model', async () => {
		const server = await startServer();
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		avery.doc.getMap('secrets').set('x', 1);
		await waitFor(() => avery.closes.length > 0, 'foreign root refused');
		expect(avery.closes[0].code).toBe(CloseCode.updateRefused);
	});

	it('relays presence under the signed-in name and removes it when the person leaves', async () => {
		const server = await startServer();
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		const dakota = await synced(connect(server, mouId, 'dakota'));
		avery.provider.awareness.setLocalStateField('user', { name: 'The Judge', color: '#c00' });
		const averyId = avery.doc.clientID;
		await waitFor(() => dakota.provider.awareness.getStates().get(averyId)?.user !== undefined, 'presence relayed');
		expect(dakota.provider.awareness.getStates().get(averyId)!.user).toEqual({
			name: 'Avery Agency-Counsel',
			side: 'agency',
			color: '#c00'
		});

		// Nobody can remove or overwrite someone else's presence.
		const spoof = rawClient(server, mouId, 'vic');
		await opened(spoof);
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
		const entry = encoding.createEncoder();
		encoding.writeVarUint(entry, 1);
		encoding.writeVarUint(entry, averyId);
		encoding.writeVarUint(entry, 9999);
		encoding.writeVarString(entry, 'null');
		encoding.writeVarUint8Array(encoder, encoding.toUint8Array(entry));
		spoof.ws.send(encoding.toUint8Array(encoder));
		await sleep(200);
		expect(dakota.provider.awareness.getStates().has(averyId)).toBe(true);

		avery.provider.disconnect();
		await waitFor(() => !dakota.provider.awareness.getStates().has(averyId), 'presence removed');
		spoof.ws.close();
	});

	it('drops a connection that stops answering pings', async () => {
		const server = await startServer({ pingIntervalMs: 100 });
		const mouId = await newMou();
		const ws = new WebSocket(`${server.base}/${mouId}?token=avery`, { autoPong: false });
		const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
		expect(await closed).toBe(CloseCode.deadConnection);
	});

	it('compacts the log without changing the document or losing deleted history', async () => {
		const server = await startServer({ compactAfterUpdates: 10 });
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		const text = localClauseText(avery.doc);
		text.insert(0, 'Original wording. ');
		await waitFor(() => allPersisted(avery), 'original stored');
		const beforeDeletion = Y.snapshot(avery.doc);
		text.delete(0, 'Original wording. '.length);
		for (let i = 0; i < 30; i++) text.insert(text.length, `${i};`);
		await waitFor(() => allPersisted(avery), 'edits stored');
		await waitFor(async () => {
			const [{ count }] = await db.sql`select count(*)::int as count from mou_updates where mou_id = ${mouId}`;
			const [checkpoint] = await db.sql`select upto_seq from mou_checkpoints where mou_id = ${mouId}`;
			return checkpoint !== undefined && count < 10;
		}, 'log compacted');
		expect(server.events.some((e) => e.event === 'collab.compacted')).toBe(true);

		const stored = await storedDoc(db.sql, mouId);
		expect(localClauseText(stored).toString()).toBe(text.toString());
		expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(avery.doc));
		// The deleted wording is still in the history: the pre-deletion version can be rebuilt.
		const past = Y.createDocFromSnapshot(stored, beforeDeletion);
		expect(localClauseText(past).toString()).toBe('Original wording. Local terms.');

		// And a server that loads the compacted document serves the same text.
		await server.stop();
		const next = await startServer();
		const reader = await synced(connect(next, mouId, 'dakota'));
		expect(localClauseText(reader.doc).toString()).toBe(text.toString());
	});

	it('unloads a document when its last connection leaves', async () => {
		const server = await startServer();
		const mouId = await newMou();
		const avery = await synced(connect(server, mouId, 'avery'));
		localClauseText(avery.doc).insert(0, 'Bye ');
		avery.provider.destroy();
		await waitFor(() => server.collab.stats().documents === 0, 'document unloaded');
		expect(server.collab.stats().connections).toBe(0);
		expect(localClauseText(await storedDoc(db.sql, mouId)).toString()).toBe('Bye Local terms.');
	});
});
