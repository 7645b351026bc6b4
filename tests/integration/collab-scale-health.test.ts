import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers/db';
import type { Database } from '../../src/lib/server/db';
import type { Runtime } from '../../src/lib/server/runtime';

// What a load balancer asks each instance: the real runtime (as the app starts it from its
// environment) behind the real /health and /metrics handlers, with Redis reached through a
// proxy this test can cut.

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const RUNTIME_KEY = Symbol.for('mou-studio.runtime');

let database: (Database & { url?: string }) | null = null;
let runtime: Runtime;
let redisProxy: Server;
let proxyPort: number;
const proxied = new Set<Socket>();
const logged: string[] = [];
const originalLog = console.log;
const originalEnv = { ...process.env };

function startRedisProxy(): Promise<void> {
	redisProxy = createServer((client) => {
		const upstream = createConnection(Number(new URL(REDIS_URL).port || 6379), '127.0.0.1');
		for (const socket of [client, upstream]) {
			proxied.add(socket);
			socket.on('close', () => proxied.delete(socket));
			socket.on('error', () => socket.destroy());
		}
		client.pipe(upstream).pipe(client);
		client.on('close', () => upstream.destroy());
		upstream.on('close', () => client.destroy());
	});
	return new Promise((resolve) => redisProxy.listen(proxyPort ?? 0, '127.0.0.1', resolve));
}

async function stopRedisProxy(): Promise<void> {
	const closed = new Promise((resolve) => redisProxy.close(resolve));
	for (const socket of proxied) socket.destroy();
	await closed;
}

async function get(path: '/health' | '/metrics'): Promise<Response> {
	const route = path === '/health' ? await import('../../src/routes/health/+server') : await import('../../src/routes/metrics/+server');
	return (route.GET as unknown as () => Promise<Response>)();
}

beforeAll(async () => {
	await startRedisProxy();
	proxyPort = (redisProxy.address() as AddressInfo).port;
	// The runtime opens its own database from the environment, like the app does.
	const usePglite = !process.env.DATABASE_URL || process.env.TEST_DB === 'pglite';
	if (!usePglite) database = await freshDatabase();
	Object.assign(process.env, {
		DATABASE_URL: database?.url ?? '',
		DATA_DIR: join(mkdtempSync(join(tmpdir(), 'mou-health-')), 'pglite'),
		REDIS_URL: `redis://127.0.0.1:${proxyPort}`,
		REDIS_PREFIX: `test:${process.pid}:health:`
	});
	console.log = (line: unknown) => void logged.push(String(line));
	const { getRuntime } = await import('../../src/lib/server/runtime');
	runtime = await getRuntime();
}, 60_000);

afterAll(async () => {
	await runtime?.close();
	delete (globalThis as Record<symbol, unknown>)[RUNTIME_KEY];
	console.log = originalLog;
	process.env = originalEnv;
	if (redisProxy.listening) await stopRedisProxy();
	await database?.close();
});

async function waitFor(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000) {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

describe('health and counters for load balancers', () => {
	it('answers 200 while the database and Redis answer, 503 while Redis is unreachable, and 200 again after', async () => {
		await waitFor(async () => (await get('/health')).status === 200, 'healthy');
		const healthy = await get('/health');
		expect(await healthy.json()).toEqual({ status: 'ok', database: 'ok', redis: 'ok' });
		expect(healthy.headers.get('cache-control')).toBe('no-store');

		await stopRedisProxy();
		const down = await get('/health');
		expect(down.status).toBe(503);
		expect(await down.json()).toEqual({ status: 'unavailable', database: 'ok', redis: 'down' });

		await startRedisProxy();
		await waitFor(async () => (await get('/health')).status === 200, 'healthy again');
		// The outage and the recovery are logged as structured lines.
		const events = logged.map((line) => JSON.parse(line) as Record<string, unknown>);
		expect(events).toContainEqual(expect.objectContaining({ event: 'collab.relay', state: 'lost' }));
		expect(events.filter((e) => e.event === 'collab.relay' && e.state === 'ready').length).toBeGreaterThanOrEqual(3);
		for (const event of events) expect(typeof event.time).toBe('string');
	});

	it('answers 503 when the database is unreachable', async () => {
		const { sql } = runtime.db;
		// A database that refuses every query (the embedded one cannot be cut off from outside).
		(runtime.db as { sql: unknown }).sql = () => Promise.reject(new Error('connection refused'));
		try {
			const response = await get('/health');
			expect(response.status).toBe(503);
			expect(await response.json()).toEqual({ status: 'unavailable', database: 'down', redis: 'ok' });
		} finally {
			(runtime.db as { sql: unknown }).sql = sql;
		}
		expect((await get('/health')).status).toBe(200);
	});

	it('publishes the collaboration counters in Prometheus text format', async () => {
		const response = await get('/metrics');
		expect(response.headers.get('content-type')).toContain('text/plain');
		const body = await response.text();
		for (const name of [
			'mou_collab_connections 0',
			'mou_collab_documents 0',
			'mou_collab_updates_per_second 0',
			'mou_collab_updates_accepted_total 0',
			'mou_collab_updates_refused_total 0',
			'mou_collab_connections_refused_total 0',
			'mou_collab_relay_up 1'
		])
			expect(body).toContain(`\n${name}\n`);
		expect(body).toContain('# TYPE mou_collab_updates_accepted_total counter');
	});
});
