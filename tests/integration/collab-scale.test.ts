import { createConnection, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { freshDatabase } from '../helpers/db';
import { clauseText, tokenWorld, twoClauseDraft } from '../helpers/collab-world';
import { allPersisted, loopbackPool, synced, type LoopbackCollab } from '../helpers/collab-loopback';
import { storedDoc } from '../helpers/stored-edits';
import { sleep, waitFor } from '../helpers/wait';
import type { Database } from '../../src/lib/server/db';
import { createRedisRelay, type CollabIdentity, type CollabLimits, type CollabRelay } from '../../src/lib/server/collab';
import { CloseCode } from '../../src/lib/collab/protocol';

// Several app instances behind a load balancer, one Redis, one PostgreSQL. The instances run in
// this process (so the suite also runs on embedded PGlite, which one process can share between
// servers but two processes cannot); they share nothing but the database and Redis.

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
/** Channels of this run only: test files run in parallel against the same Redis. */
const PREFIX = `test:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`;

let db: Database;
const world = tokenWorld(() => db.sql, 'scale');
const { authorize, insertUser } = world;
let agencyCounsel: CollabIdentity;
const templateUpdate = () => twoClauseDraft();

function newMou(): Promise<string> {
	return world.newMou({ title: 'Springfield SRO MOU', createdBy: agencyCounsel.userId, state: templateUpdate() });
}

// ---------------------------------------------------------------------------------------------
// Instances, a load balancer in front of them, and a Redis connection we can cut

type Instance = LoopbackCollab;

const pool = loopbackPool(() => ({ sql: db.sql, authorize }));

async function startInstance(
	options: { redisUrl?: string; limits?: Partial<CollabLimits>; relay?: (relay: CollabRelay) => CollabRelay } = {}
): Promise<Instance> {
	const events: Record<string, unknown>[] = [];
	const log = (event: Record<string, unknown>) => events.push(event);
	const redis = createRedisRelay({ url: options.redisUrl ?? REDIS_URL, prefix: PREFIX, log });
	const relay = options.relay ? options.relay(redis) : redis;
	await waitFor(() => relay.ready, 'relay connected');
	return pool.start({ relay, limits: options.limits }, events);
}

interface TcpProxy {
	port: number;
	/** Drops every proxied connection and refuses new ones. */
	pause(): Promise<void>;
	resume(): Promise<void>;
	close(): Promise<void>;
}

const proxies: TcpProxy[] = [];

/**
 * Forwards each accepted connection to one of `targets()` (ports on loopback), round robin,
 * trying the next one when a target refuses: a load balancer without sticky sessions.
 */
async function startProxy(targets: () => number[]): Promise<TcpProxy> {
	const sockets = new Set<Socket>();
	let turn = 0;
	const track = (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => socket.destroy());
	};
	const server: TcpServer = createTcpServer((client) => {
		track(client);
		client.pause();
		const candidates = targets();
		const attempt = (tries: number) => {
			if (tries >= candidates.length) return client.destroy();
			const upstream = createConnection(candidates[turn++ % candidates.length], '127.0.0.1');
			upstream.once('error', () => attempt(tries + 1));
			upstream.once('connect', () => {
				track(upstream);
				upstream.pipe(client).pipe(upstream);
				client.resume();
				upstream.on('close', () => client.destroy());
				client.on('close', () => upstream.destroy());
			});
		};
		attempt(0);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const proxy: TcpProxy = {
		port,
		async pause() {
			const closed = new Promise((resolve) => server.close(resolve));
			for (const socket of sockets) socket.destroy();
			await closed;
		},
		async resume() {
			await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			if (server.listening) await new Promise((resolve) => server.close(resolve));
		}
	};
	proxies.push(proxy);
	return proxy;
}

const connect = (base: string, mouId: string, token: string) => pool.connect(base, mouId, token, { maxBackoffTime: 300 });

const localText = (doc: Y.Doc) => clauseText(doc, 1);
const lockedText = (doc: Y.Doc) => clauseText(doc, 0);

async function storedText(mouId: string): Promise<string> {
	return localText(await storedDoc(db.sql, mouId)).toString();
}

beforeAll(async () => {
	db = await freshDatabase();
	const { agencyId, districtId } = await world.organizations('Springfield');
	agencyCounsel = await insertUser(agencyId, 'Avery Agency-Counsel', 'agency');
	await insertUser(districtId, 'Dakota District-Counsel', 'district');
});

afterEach(async () => {
	await pool.closeAll();
	for (const proxy of proxies.splice(0)) await proxy.close();
});

afterAll(async () => {
	await db?.close();
});

// ---------------------------------------------------------------------------------------------

describe('several instances sharing live documents through Redis', () => {
	it('lets counsel connected to different instances edit together and converge', async () => {
		const [one, two] = [await startInstance(), await startInstance()];
		const mouId = await newMou();
		const avery = await synced(connect(one.base, mouId, 'avery'));
		const dakota = await synced(connect(two.base, mouId, 'dakota'));

		localText(avery.doc).insert(0, 'Agreed ');
		dakota.doc.getMap('terms').set('districtName', 'Springfield USD');
		await waitFor(() => localText(dakota.doc).toString() === 'Agreed Local terms.', 'edit on one reaches two');
		await waitFor(() => avery.doc.getMap('terms').get('districtName') === 'Springfield USD', 'edit on two reaches one');

		// Concurrent typing on both sides ends in the same text everywhere, stored once.
		for (let i = 0; i < 20; i++) {
			localText(avery.doc).insert(0, 'a');
			localText(dakota.doc).insert(localText(dakota.doc).length, 'd');
		}
		await waitFor(() => allPersisted(avery) && allPersisted(dakota), 'both acknowledged');
		await waitFor(() => localText(avery.doc).toString() === localText(dakota.doc).toString(), 'converged');
		expect(localText(avery.doc).toString()).toMatch(/^a{20}Agreed Local terms\.d{20}$/);
		expect(await storedText(mouId)).toBe(localText(avery.doc).toString());
		// Each instance stored what its own client sent, and nothing it received through Redis.
		const [{ rows }] = await db.sql<{ rows: number }[]>`select count(*)::int as rows from mou_updates where mou_id = ${mouId}`;
		expect(rows).toBe(1 + one.collab.stats().updatesAccepted + two.collab.stats().updatesAccepted);
		expect(one.collab.stats().remoteUpdates).toBeGreaterThan(0);
		expect(two.collab.stats().remoteUpdates).toBeGreaterThan(0);
	});

	it('checks an edit that builds on another instance’s edit against the document it builds on', async () => {
		const [one, two] = [await startInstance(), await startInstance()];
		const mouId = await newMou();
		const avery = await synced(connect(one.base, mouId, 'avery'));
		const dakota = await synced(connect(two.base, mouId, 'dakota'));

		localText(avery.doc).insert(0, 'Remote words. ');
		await waitFor(() => localText(dakota.doc).toString().startsWith('Remote words. '), 'relayed');
		// Deleting part of the text that only arrived through Redis is a normal edit on instance two.
		localText(dakota.doc).delete(0, 'Remote '.length);
		await waitFor(() => allPersisted(dakota), 'dependent edit acknowledged');
		await waitFor(() => localText(avery.doc).toString() === 'words. Local terms.', 'dependent edit relayed back');
		expect(dakota.closes).toEqual([]);

		// The lock still holds on the instance that did not load the document first.
		lockedText(dakota.doc).insert(0, 'NOT ');
		await waitFor(() => dakota.closes.length > 0, 'locked edit refused');
		expect(dakota.closes[0].code).toBe(CloseCode.updateRefused);
		expect(await storedText(mouId)).toBe('words. Local terms.');
	});

	it('shows presence across instances, under the signed-in name, and removes it when the person leaves', async () => {
		const [one, two] = [await startInstance(), await startInstance()];
		const mouId = await newMou();
		const avery = await synced(connect(one.base, mouId, 'avery'));
		avery.provider.awareness.setLocalStateField('user', { name: 'The Judge', color: '#c00' });
		await sleep(100);
		// Instance two opens the document after the presence was set: it asks instance one for it.
		const dakota = await synced(connect(two.base, mouId, 'dakota'));
		const averyId = avery.doc.clientID;
		await waitFor(() => dakota.provider.awareness.getStates().get(averyId)?.user !== undefined, 'presence crosses', 5_000);
		expect(dakota.provider.awareness.getStates().get(averyId)!.user).toEqual({
			name: 'Avery Agency-Counsel',
			side: 'agency',
			color: '#c00'
		});
		dakota.provider.awareness.setLocalStateField('cursor', { anchor: 3 });
		await waitFor(() => avery.provider.awareness.getStates().get(dakota.doc.clientID)?.cursor !== undefined, 'back again');
		expect(avery.provider.awareness.getStates().get(dakota.doc.clientID)!.user).toMatchObject({ name: 'Dakota District-Counsel' });

		avery.provider.disconnect();
		await waitFor(() => !dakota.provider.awareness.getStates().has(averyId), 'presence removed on the other instance');
	});

	it('loses no acknowledged edit when an instance dies; its clients reconnect to another one', async () => {
		const [one, two] = [await startInstance(), await startInstance()];
		const balancer = await startProxy(() => [one.port, two.port]);
		const mouId = await newMou();
		const avery = await synced(connect(`ws://127.0.0.1:${balancer.port}/collab`, mouId, 'avery'));
		const dakota = await synced(connect(two.base, mouId, 'dakota'));
		expect(one.collab.stats().connections).toBe(1); // round robin: avery's socket went to instance one

		const text = localText(avery.doc);
		for (let i = 0; i < 30; i++) text.insert(text.length, String(i % 10));
		await waitFor(() => allPersisted(avery), 'acknowledged before the crash');
		const acknowledged = text.toString();
		// More typing, then the instance dies before it can answer.
		for (let i = 0; i < 30; i++) text.insert(0, 'x');
		one.kill();
		// Whatever was acknowledged is in PostgreSQL, whoever holds it now.
		expect(await storedText(mouId)).toMatch(new RegExp(`^x*${acknowledged}$`));

		await waitFor(() => two.collab.stats().connections === 2, 'avery reconnected to instance two');
		await waitFor(() => allPersisted(avery), 'everything acknowledged after the reconnect');
		await waitFor(() => localText(dakota.doc).toString() === text.toString(), 'district sees it all');
		expect(text.toString()).toBe('x'.repeat(30) + acknowledged);
		expect(await storedText(mouId)).toBe(text.toString());
	});

	it('keeps each instance working while Redis is unreachable and converges without a restart', async () => {
		const redis = await startProxy(() => [Number(new URL(REDIS_URL).port || 6379)]);
		const viaProxy = `redis://127.0.0.1:${redis.port}`;
		const limits = { catchUpIntervalMs: 600_000 }; // the reconnect alone must bring the instances together
		const [one, two] = [await startInstance({ redisUrl: viaProxy, limits }), await startInstance({ redisUrl: viaProxy, limits })];
		const mouId = await newMou();
		const avery = await synced(connect(one.base, mouId, 'avery'));
		const dakota = await synced(connect(two.base, mouId, 'dakota'));
		localText(avery.doc).insert(0, 'Before. ');
		await waitFor(() => localText(dakota.doc).toString() === 'Before. Local terms.', 'relayed before the outage');

		await redis.pause();
		await waitFor(() => one.collab.stats().relay === 'down' && two.collab.stats().relay === 'down', 'outage noticed');
		localText(avery.doc).insert(0, 'Agency during. ');
		dakota.doc.getMap('terms').set('term', 'three years');
		await waitFor(() => allPersisted(avery) && allPersisted(dakota), 'stored during the outage');
		await sleep(300);
		expect(localText(dakota.doc).toString()).toBe('Before. Local terms.'); // nothing crossed

		await redis.resume();
		await waitFor(() => localText(dakota.doc).toString() === 'Agency during. Before. Local terms.', 'instance two caught up');
		await waitFor(() => avery.doc.getMap('terms').get('term') === 'three years', 'instance one caught up');
		expect(one.collab.stats().relay).toBe('ready');
		expect(one.events).toContainEqual(expect.objectContaining({ event: 'collab.relay', state: 'lost' }));

		// And live relaying works again.
		localText(dakota.doc).insert(0, 'After. ');
		await waitFor(() => localText(avery.doc).toString() === 'After. Agency during. Before. Local terms.', 'relayed after');
		expect(avery.closes).toEqual([]);
		expect(dakota.closes).toEqual([]);
	});

	it('re-reads the log periodically, so an update lost in transit still arrives', async () => {
		let dropNext = false;
		// Instance one's relay silently loses one published update, as pub/sub may when an instance dies mid-publish.
		const lossy = (relay: CollabRelay): CollabRelay =>
			Object.assign(Object.create(relay), {
				publish(mouId: string, message: Parameters<CollabRelay['publish']>[1]) {
					if (message.kind === 'update' && dropNext) {
						dropNext = false;
						return;
					}
					relay.publish(mouId, message);
				}
			});
		const one = await startInstance({ relay: lossy, limits: { catchUpIntervalMs: 300 } });
		const two = await startInstance({ limits: { catchUpIntervalMs: 300 } });
		const mouId = await newMou();
		const avery = await synced(connect(one.base, mouId, 'avery'));
		const dakota = await synced(connect(two.base, mouId, 'dakota'));
		dropNext = true;
		localText(avery.doc).insert(0, 'Lost in transit. ');
		await waitFor(() => allPersisted(avery), 'stored');
		expect(dropNext).toBe(false);
		await waitFor(() => localText(dakota.doc).toString() === 'Lost in transit. Local terms.', 'caught up from the log', 5_000);
	});
});

describe('one instance writing many documents at once', () => {
	it('stores documents together but fails only the one whose write is refused', async () => {
		const server = await startInstance();
		const [healthy, broken, slow] = [await newMou(), await newMou(), await newMou()];
		const avery = await synced(connect(server.base, healthy, 'avery'));
		const dakota = await synced(connect(server.base, broken, 'dakota'));
		const slowWriter = await synced(connect(server.base, slow, 'dakota'));
		await db.sql.unsafe(`
			create function refuse_scale_update() returns trigger language plpgsql as $$
			begin
				if new.mou_id = '${broken}' then raise exception 'disk full'; end if;
				perform pg_sleep(0.3);
				return new;
			end $$;
			create trigger refuse_scale_update before insert on mou_updates
			for each row when (new.mou_id in ('${broken}', '${slow}')) execute function refuse_scale_update();`);
		try {
			// While a slow write is in flight, both documents queue edits: they go to PostgreSQL together.
			localText(slowWriter.doc).insert(0, 's');
			await sleep(50);
			for (let i = 0; i < 20; i++) {
				localText(avery.doc).insert(0, 'a');
				localText(dakota.doc).insert(0, 'd');
			}
			await waitFor(() => dakota.closes.some((close) => close.code === CloseCode.internalError), 'broken document closed');
			await waitFor(() => allPersisted(avery) && allPersisted(slowWriter), 'the others stored');
		} finally {
			await db.sql.unsafe('drop trigger refuse_scale_update on mou_updates; drop function refuse_scale_update();');
		}
		expect(avery.closes).toEqual([]);
		expect(slowWriter.closes).toEqual([]);
		expect(await storedText(healthy)).toBe(`${'a'.repeat(20)}Local terms.`);
		expect(await storedText(broken)).toBe('Local terms.');
	});
});
