import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { freshDatabase } from '../helpers/db';
import { tokenWorld, twoClauseDraft } from '../helpers/collab-world';
import type { Database } from '../../src/lib/server/db';
import { appendInitialState, createCollabServer, type CollabServer } from '../../src/lib/server/collab';
import { MESSAGE_PERSISTED } from '../../src/lib/collab/protocol';

// The MOU page asks the collaboration server to load the document while the page itself loads,
// and to keep it for its editor even when a reload disconnects the old page first.

const PRELOAD_MS = 600;
let db: Database;
const world = tokenWorld(() => db.sql, 'collab-preload');
let agencyId = '';
let districtId = '';
let creatorId = '';
let collab: CollabServer;
let http: Server;
let base = '';
const events: Array<Record<string, unknown>> = [];
const cleanups: Array<() => void> = [];

async function newMou(): Promise<string> {
	const [mou] = await db.sql<{ id: string }[]>`
		insert into mous (title, status, template_id, template_version, created_by)
		values ('Preload SRO MOU', 'draft', 'nasro', '1', ${creatorId}) returning id`;
	await db.sql`insert into mou_parties (mou_id, organization_id, side)
		values (${mou.id}, ${agencyId}, 'agency'), (${mou.id}, ${districtId}, 'district')`;
	await appendInitialState(db.sql, mou.id, twoClauseDraft());
	return mou.id;
}

function connect(mouId: string) {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(base, mouId, doc, {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		params: { token: 'avery' },
		disableBc: true
	});
	provider.messageHandlers[MESSAGE_PERSISTED] = () => {}; // acknowledgements: not this test's business
	cleanups.push(() => provider.destroy());
	return provider;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000) {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unloads = (mouId: string) => events.filter((e) => e.event === 'collab.unloaded' && e.mouId === mouId).length;

beforeAll(async () => {
	db = await freshDatabase();
	const [agency] = await db.sql<{ id: string }[]>`insert into organizations (name, kind) values ('Preload Police', 'agency') returning id`;
	const [district] = await db.sql<{ id: string }[]>`insert into organizations (name, kind) values ('Preload Schools', 'district') returning id`;
	agencyId = agency.id;
	districtId = district.id;
	creatorId = (await world.insertUser(agencyId, 'Avery Agency-Counsel', 'agency')).userId;
	collab = createCollabServer({ sql: db.sql, authorize: world.authorize, limits: { preloadMs: PRELOAD_MS }, log: (event) => events.push(event) });
	http = createServer((_req, res) => res.writeHead(404).end());
	http.on('upgrade', (req, socket, head) => collab.handleUpgrade(req, socket, head));
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	base = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/collab`;
});

afterEach(() => {
	for (const cleanup of cleanups.splice(0)) cleanup();
});

afterAll(async () => {
	await collab?.close();
	await new Promise((resolve) => http?.close(resolve));
	await db?.close();
});

describe('preloading a document for the page about to open it', () => {
	it('loads it before anyone connects, and unloads it when nobody came', async () => {
		const mouId = await newMou();
		const before = collab.stats().documents;
		collab.preload(mouId);
		expect(collab.stats().documents).toBe(before + 1);

		await sleep(PRELOAD_MS / 2);
		expect(unloads(mouId)).toBe(0);
		await waitFor(() => unloads(mouId) === 1, 'unloaded after the wait', PRELOAD_MS * 4);
		expect(collab.stats().documents).toBe(before);
	});

	it('keeps it loaded across a reload (the old page leaves before the new one connects)', async () => {
		const mouId = await newMou();
		const first = connect(mouId);
		await waitFor(() => first.synced, 'first page synced');
		collab.preload(mouId); // the reloaded page was served
		first.destroy(); // then the old page goes
		await sleep(PRELOAD_MS / 3);
		expect(unloads(mouId)).toBe(0);

		const second = connect(mouId);
		await waitFor(() => second.synced, 'reloaded page synced');
		expect(second.doc.getXmlFragment('body').length).toBeGreaterThan(0);
		second.destroy();
		await waitFor(() => unloads(mouId) === 1, 'unloaded once the last page left and the wait is over', PRELOAD_MS * 4);
	});

	it('unloads an empty document at once when no page is expected', async () => {
		const mouId = await newMou();
		const page = connect(mouId);
		await waitFor(() => page.synced, 'synced');
		page.destroy();
		await waitFor(() => unloads(mouId) === 1, 'unloaded', PRELOAD_MS / 2);
	});
});
