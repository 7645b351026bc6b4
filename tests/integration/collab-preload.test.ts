import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers/db';
import { tokenWorld, twoClauseDraft } from '../helpers/collab-world';
import { connectProvider, serveCollab, type LoopbackCollab } from '../helpers/collab-loopback';
import { sleep, waitFor } from '../helpers/wait';
import type { Database } from '../../src/lib/server/db';

// The MOU page asks the collaboration server to load the document while the page itself loads,
// and to keep it for its editor even when a reload disconnects the old page first.

const PRELOAD_MS = 600;
let db: Database;
const world = tokenWorld(() => db.sql, 'collab-preload');
let agencyId = '';
let districtId = '';
let creatorId = '';
let server: LoopbackCollab;
const events: Array<Record<string, unknown>> = [];
const cleanups: Array<() => void> = [];

function newMou(): Promise<string> {
	return world.newMou({ title: 'Preload SRO MOU', createdBy: creatorId, state: twoClauseDraft(), parties: { agencyId, districtId } });
}

function connect(mouId: string) {
	const { provider } = connectProvider(server.base, mouId, 'avery');
	cleanups.push(() => provider.destroy());
	return provider;
}

const unloads = (mouId: string) => events.filter((e) => e.event === 'collab.unloaded' && e.mouId === mouId).length;

beforeAll(async () => {
	db = await freshDatabase();
	({ agencyId, districtId } = await world.organizations('Preload'));
	creatorId = (await world.insertUser(agencyId, 'Avery Agency-Counsel', 'agency')).userId;
	server = await serveCollab({ sql: db.sql, authorize: world.authorize, limits: { preloadMs: PRELOAD_MS } }, events);
});

afterEach(() => {
	for (const cleanup of cleanups.splice(0)) cleanup();
});

afterAll(async () => {
	await server?.stop();
	await db?.close();
});

describe('preloading a document for the page about to open it', () => {
	it('loads it before anyone connects, and unloads it when nobody came', async () => {
		const mouId = await newMou();
		const before = server.collab.stats().documents;
		server.collab.preload(mouId);
		expect(server.collab.stats().documents).toBe(before + 1);

		await sleep(PRELOAD_MS / 2);
		expect(unloads(mouId)).toBe(0);
		await waitFor(() => unloads(mouId) === 1, 'unloaded after the wait', PRELOAD_MS * 4);
		expect(server.collab.stats().documents).toBe(before);
	});

	it('keeps it loaded across a reload (the old page leaves before the new one connects)', async () => {
		const mouId = await newMou();
		const first = connect(mouId);
		await waitFor(() => first.synced, 'first page synced');
		server.collab.preload(mouId); // the reloaded page was served
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
