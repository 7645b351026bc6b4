/**
 * Collaboration at scale: the same typing load against (a) this project's collaboration server
 * (session cookies, lock guard, PostgreSQL persistence, one instance), (b) a plain reference
 * y-websocket server and (c) Hocuspocus 4 with its database extension on PostgreSQL, in one run.
 * Prints latency, CPU per update, memory per document, the ratios to (b), the largest room count
 * that keeps p99 under 50 ms for each, and how long a client takes to open a full-length MOU
 * with 10,000 edits of history. See bench/README.md.
 *
 * Run: npx tsx bench/collab-load.ts [--rooms 200] [--clients 3] [--rate 5] [--seconds 16]
 *      [--no-cursors] [--no-sweep] [--no-history] [--no-hocuspocus] [--redis] [--scattered-history]
 * Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; a fresh
 * database is created and dropped) and, with --redis, Redis (REDIS_URL, default 127.0.0.1:6379).
 */
import type { ChildProcess } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { templateUpdate, negotiatedDocument } from './collab-load-doc';
import { measure } from './collab-load-measure';
import {
	clientOptions,
	cpuPerUpdate,
	LoadSession,
	pool,
	runLoad,
	sleep,
	startServerProcess,
	type LoadOptions,
	type LoadResult,
	type Target
} from './collab-load-run';
import { freshBenchDatabase, seedMous, seedPeople } from './collab-load-world';
import { Reader, SendLog, seedDocument, timeToLoad } from './collab-load-clients';
import { generatorPercent, kb, mb, median, ms, perUpdate, printTable, ratio, verdict } from './collab-load-report';

const { values: args } = parseArgs({
	options: {
		rooms: { type: 'string', default: '200' },
		clients: { type: 'string', default: '3' },
		rate: { type: 'string', default: '5' },
		seconds: { type: 'string', default: '16' },
		'no-cursors': { type: 'boolean', default: false },
		'no-sweep': { type: 'boolean', default: false },
		'no-history': { type: 'boolean', default: false },
		'no-hocuspocus': { type: 'boolean', default: false },
		'scattered-history': { type: 'boolean', default: false },
		redis: { type: 'boolean', default: false }
	}
});

const ROOMS = Number(args.rooms);
const CLIENTS = Number(args.clients);
const RATE = Number(args.rate);
const TARGET_P99_MS = 50;
/** Room counts tried after the main run, in order, until p99 reaches 50 ms (bounded). */
const SWEEP_UP = [250, 300, 350, 400, 500, 600, 800];
const SWEEP_DOWN = [150, 100, 50];
const HISTORY_EDITS = 10_000;
/** Measured windows per server in the main comparison. */
const WINDOWS = 4;
const FIRST_WARMUP_MS = 5_000;
const HISTORY_DOCUMENTS = 20;

const load: LoadOptions = {
	rooms: ROOMS,
	clientsPerRoom: CLIENTS,
	keystrokesPerSecond: RATE,
	warmupMs: 1_500,
	measureMs: Number(args.seconds) * 1000,
	cursors: !args['no-cursors'],
	initial: templateUpdate()
};

const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const started = Date.now();
const maxRooms = Math.max(ROOMS, ...(args['no-sweep'] ? [] : SWEEP_UP));

console.log('MOU Studio collaboration benchmark');
console.log(`machine: ${availableParallelism()} cores, Node ${process.version}; load generator, the servers and PostgreSQL share it`);
console.log(
	`load: ${ROOMS} rooms × ${CLIENTS} clients (1 writer, ${CLIENTS - 1} readers), ${RATE} keystrokes/s per writer` +
		`${load.cursors ? ' each with a cursor (awareness) update' : ''}; ${args.seconds} s measured per server in ${WINDOWS} ` +
		`windows, the servers taking turns in a different order each round (each window after 1.5 s of warm-up typing, ` +
		`the first of each server after 5 s); every room opens the template's first draft (${(load.initial.length / 1024).toFixed(0)} KB)`
);

const bench = await freshBenchDatabase(adminUrl);
const world = await seedPeople(bench.db, Math.max(maxRooms, HISTORY_DOCUMENTS), CLIENTS);
const mouIds = await seedMous(bench.db, world, maxRooms, load.initial);
const hocuspocusRooms = Array.from({ length: maxRooms }, (_, i) => `room-${i}`);
const logDir = tmpdir();
const ours = await startServerProcess(
	'collab-load-server.ts',
	{ DATABASE_URL: bench.url, REDIS_URL: args.redis ? process.env.REDIS_URL || 'redis://127.0.0.1:6379' : '', REDIS_PREFIX: `bench:${process.pid}:` },
	join(logDir, 'collab-load-server.log')
);
const reference = await startServerProcess('reference-server.ts', {}, join(logDir, 'reference-server.log'));
const hocuspocus = args['no-hocuspocus']
	? null
	: await startServerProcess('hocuspocus-server.ts', { DATABASE_URL: bench.url }, join(logDir, 'hocuspocus-server.log'));
if (hocuspocus) await seedHocuspocus(hocuspocusRooms, load.initial);
console.log(`setup: ${((Date.now() - started) / 1000).toFixed(1)} s; server logs in ${logDir}/{collab-load,reference,hocuspocus}-server.log\n`);

const databaseCommits = async () => {
	const [row] = await bench.db.sql<{ commits: string }[]>`
		select xact_commit as commits from pg_stat_database where datname = current_database()`;
	return Number(row.commits);
};
const oursTarget: Target = {
	name: `ours (auth + guard + PostgreSQL${args.redis ? ' + Redis' : ''})`,
	child: ours.child,
	url: (room) => `ws://127.0.0.1:${ours.port}/collab/${room}`,
	cookie: (slot, room) => world.cookies[slot][room],
	rooms: (_run, count) => mouIds.slice(0, count),
	acknowledges: true,
	writerSeeds: false,
	commits: databaseCommits,
	unloads: true
};
const referenceTarget: Target = {
	name: 'reference y-websocket',
	child: reference.child,
	url: (room) => `ws://127.0.0.1:${reference.port}/${room}`,
	cookie: () => undefined,
	rooms: (run, count) => Array.from({ length: count }, (_, i) => `run${run}-room${i}`),
	acknowledges: false,
	writerSeeds: true
};
const hocuspocusTarget: Target | null = hocuspocus && {
	name: 'Hocuspocus 4 + database ext.',
	child: hocuspocus.child,
	url: () => `ws://127.0.0.1:${hocuspocus.port}/`,
	cookie: () => undefined,
	rooms: (_run, count) => hocuspocusRooms.slice(0, count),
	acknowledges: false,
	writerSeeds: false,
	commits: databaseCommits,
	hocuspocus: true,
	unloads: true
};
const targets = [oursTarget, referenceTarget, ...(hocuspocusTarget ? [hocuspocusTarget] : [])];
const children = [ours.child, reference.child, ...(hocuspocus ? [hocuspocus.child] : [])];

try {
	const windows = await compare();
	printComparison(windows);
	if (!args['no-sweep']) for (const [i, target] of targets.entries()) await sweep(target, median(windows[i].map((w) => w.latency.percentile(99))));
	if (!args['no-history']) await history();
} finally {
	await Promise.all(children.map(stopServer));
	await bench.drop();
}
console.log(`\ntotal: ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(0);

// ---------------------------------------------------------------------------------------------

/** Hocuspocus's rows: each room's whole state, as its database extension stores it. */
async function seedHocuspocus(names: string[], state: Uint8Array): Promise<void> {
	await waitForTable();
	for (let i = 0; i < names.length; i += 200) {
		const rows = names.slice(i, i + 200).map((name) => ({ name, state }));
		await bench.db.sql`insert into hocuspocus_documents ${bench.db.sql(rows, 'name', 'state')}
			on conflict (name) do update set state = excluded.state`;
	}
}

/** The Hocuspocus child makes its table before it says it is ready; this only guards against a race. */
async function waitForTable(): Promise<void> {
	for (let i = 0; i < 50; i++) {
		const [row] = await bench.db.sql<{ exists: boolean }[]>`select to_regclass('hocuspocus_documents') is not null as exists`;
		if (row.exists) return;
		await sleep(100);
	}
}

/** Closing the IPC channel makes a server exit by itself (writing its CPU profile, if asked). */
async function stopServer(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.disconnect();
	const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
	await exited;
	clearTimeout(timer);
}

/**
 * Every server loaded at once (idle connections cost nothing), measured in WINDOWS windows each;
 * each round takes the servers in another order (ABC, CBA, BCA, ACB), so that slow drift on a
 * shared machine falls on all of them alike.
 */
async function compare(): Promise<LoadResult[][]> {
	const sessions: LoadSession[] = [];
	for (const target of targets) sessions.push(await LoadSession.open(target, load));
	const each = load.measureMs / WINDOWS;
	const results: LoadResult[][] = targets.map(() => []);
	try {
		for (let round = 0; round < WINDOWS; round++) {
			const shift = Math.floor(round / 2) % targets.length;
			const rotated = targets.map((_, i) => (i + shift) % targets.length);
			const order = round % 2 === 0 ? rotated : rotated.reverse();
			for (const index of order) {
				// The first window of each server starts after a longer warm-up: JIT, the garbage of loading 200 documents.
				const warmup = round < 2 ? FIRST_WARMUP_MS : load.warmupMs;
				results[index].push(await sessions[index].measureWindow(each, warmup));
			}
		}
	} finally {
		for (const session of sessions) session.close();
	}
	const describe = (r: LoadResult) => `${ms(r.latency.percentile(99))} ms / ${cpuPerUpdate(r).toFixed(0)} µs`;
	console.log(`windows (p99 / CPU per update):\n${targets.map((t, i) => `  ${t.name}: ${results[i].map(describe).join(', ')}`).join('\n')}\n`);
	return results;
}

/** Servers that unload empty rooms once their writes are stored: the next run starts clean. */
async function waitUntilUnloaded(target: Target): Promise<void> {
	if (!target.unloads) return;
	for (let i = 0; i < 150; i++) {
		if ((await measure(target.child)).extra.documents === 0) return;
		await sleep(100);
	}
}

/**
 * Verdicts use the median over windows: one window hit by another process on this shared
 * machine would otherwise decide them. Pooled figures are printed too.
 */
function printComparison(windows: LoadResult[][]): void {
	const pooled = windows.map(pool);
	const p50 = (i: number) => pooled[i].latency.percentile(50);
	const p99 = (i: number) => median(windows[i].map((w) => w.latency.percentile(99)));
	const cpu = (i: number) => median(windows[i].map(cpuPerUpdate));
	const REF = 1;
	const others = targets.map((_, i) => i).filter((i) => i !== REF);
	const row = (label: string, value: (i: number) => number, format: (x: number) => string, ratios = true): string[] => [
		label,
		...targets.map((_, i) => format(value(i))),
		...others.map((i) => (ratios ? ratio(value(i), value(REF)) : ''))
	];
	const text = (label: string, value: (i: number) => string): string[] => [label, ...targets.map((_, i) => value(i)), ...others.map(() => '')];
	const rows = [
		row('edit propagation p50 (ms)', p50, ms),
		row('edit propagation p99, median of windows (ms)', p99, ms),
		row('edit propagation p99, all samples (ms)', (i) => pooled[i].latency.percentile(99), ms),
		row('edit propagation max (ms)', (i) => Math.max(...pooled[i].latency.values), ms, false),
		row('server CPU per update, median of windows (µs)', cpu, (x) => x.toFixed(0)),
		row(
			'server CPU per update, all windows (µs)',
			(i) => cpuPerUpdate(pooled[i]),
			(x) => x.toFixed(0)
		),
		row(`memory per open draft + its ${CLIENTS} connections (KB)`, (i) => pooled[i].memoryPerDocumentBytes, kb),
		text('durable ack p50 / p99 (ms)', (i) => {
			const ack = pooled[i].ack;
			return ack ? `${ms(ack.percentile(50))} / ${ms(ack.percentile(99))}` : targets[i].hocuspocus ? 'n/a (stores 2–10 s later)' : 'n/a (stores nothing)';
		}),
		text('PostgreSQL CPU per update (µs, not in the ratio)', (i) => (targets[i].commits ? perUpdate(pooled[i], pooled[i].postgresCpuMicros, 0) : '–')),
		text('PostgreSQL commits per update', (i) => (targets[i].commits ? perUpdate(pooled[i], pooled[i].commits, 2) : '–')),
		text('updates / latency samples', (i) => `${pooled[i].updates} / ${pooled[i].latency.values.length} of ${pooled[i].expectedSamples}`),
		text('failed / dropped connections', (i) => `${pooled[i].failedConnections} / ${pooled[i].closedDuringRun}`),
		text('load generator CPU (% of a core)', (i) => generatorPercent(pooled[i]))
	];
	printTable(['', ...targets.map((t) => t.name), ...others.map((i) => `${targets[i].name.split(' ')[0]}/reference`)], rows);
	const [oursP50, refP50, oursP99, refP99, cpuRatio] = [p50(0), p50(REF), p99(0), p99(REF), cpu(0) / cpu(REF)];
	console.log(`\ntargets for ours at ${ROOMS}×${CLIENTS}, ${RATE}/s (against the reference in the same run):`);
	console.log(`  p50 < 5 ms and ≤ 2.5× reference: ${verdict(oursP50 < 5 && oursP50 <= 2.5 * refP50)} (${ms(oursP50)} ms, ${ratio(oursP50, refP50)})`);
	console.log(`  CPU per update ≤ 1.2× reference: ${verdict(cpuRatio <= 1.2)} (${cpuRatio.toFixed(2)}×)`);
	console.log(`  p99 ≤ 1.5× reference: ${verdict(oursP99 <= 1.5 * refP99)} (${ms(oursP99)} ms, ${ratio(oursP99, refP99)})`);
	if (refP99 < 20) console.log(`  p99 < ${TARGET_P99_MS} ms (the reference's own p99 is under 20 ms): ${verdict(oursP99 < TARGET_P99_MS)}`);
	else console.log(`  p99 < ${TARGET_P99_MS} ms: not judged, the reference's own p99 is ${ms(refP99)} ms (≥ 20 ms: the machine is busy)`);
}

/** From the main run's room count up (or down) until p99 crosses 50 ms; a step that fails is tried once more. */
async function sweep(target: Target, firstP99: number): Promise<void> {
	const short = { ...load, measureMs: 6_000 };
	const passes = (result: LoadResult) => result.latency.percentile(99) < TARGET_P99_MS && result.failedConnections === 0;
	const firstPasses = firstP99 < TARGET_P99_MS;
	const lines: string[] = [`R=${ROOMS}: p99 ${ms(firstP99)} ms (the comparison above)`];
	const tried = [ROOMS];
	let best = firstPasses ? ROOMS : 0;
	const steps = firstPasses ? SWEEP_UP.filter((r) => r > ROOMS) : SWEEP_DOWN.filter((r) => r < ROOMS);
	for (const rooms of steps) {
		tried.push(rooms);
		const attempts: LoadResult[] = [];
		while (attempts.length < 2 && !attempts.some(passes)) {
			await waitUntilUnloaded(target);
			attempts.push(await runLoad(target, { ...short, rooms }));
		}
		const failed = attempts.reduce((sum, result) => sum + result.failedConnections, 0);
		lines.push(
			`R=${rooms}: p99 ${attempts.map((r) => `${ms(r.latency.percentile(99))} ms`).join(', again ')}${failed ? `, ${failed} connections failed` : ''}`
		);
		const passed = attempts.some(passes);
		if (passed) best = Math.max(best, rooms);
		if (passed !== firstPasses) break; // crossed the line
	}
	console.log(`\nsweep, ${target.name} (${CLIENTS} clients per room, ${RATE}/s, 6 s each, stops at the first room count past the line): ${lines.join('; ')}`);
	console.log(`largest R with p99 < ${TARGET_P99_MS} ms, ${target.name}: ${best || 'none of those tried'} (tried ${tried.join(', ')})`);
}

/** A full-length MOU opened by 20 first clients (loaded from the store) and 5 later ones, per server. */
async function history(): Promise<void> {
	const built = performance.now();
	const style = args['scattered-history'] ? 'scattered' : 'sittings';
	const document = negotiatedDocument(HISTORY_EDITS, style);
	console.log(
		`\nfull-length MOU with ${HISTORY_EDITS.toLocaleString('en-US')} edits of history (${style === 'sittings' ? 'keystrokes typed in sittings, with corrections, deleted passages and new paragraphs' : 'each edit a word or a deletion somewhere else: the worst case'}): ` +
			`${kb(document.state.length)} KB as one update, ${document.items.toLocaleString('en-US')} Yjs items ` +
			`(built in ${((performance.now() - built) / 1000).toFixed(1)} s; ours stores it as a checkpoint + ${document.tail.length} log rows)`
	);
	const names = Array.from({ length: HISTORY_DOCUMENTS }, (_, i) => `history-${i}`);
	for (const target of targets) await waitUntilUnloaded(target);
	const prepared = new Map<Target, { rooms: string[]; cookie(slot: number, i: number): string | undefined }>();
	prepared.set(oursTarget, { rooms: await seedMous(bench.db, world, HISTORY_DOCUMENTS, document), cookie: (slot, i) => world.cookies[slot][i] });
	prepared.set(referenceTarget, { rooms: names, cookie: () => undefined });
	if (hocuspocusTarget) {
		await seedHocuspocus(names, document.state);
		prepared.set(hocuspocusTarget, { rooms: names, cookie: () => undefined });
	}
	const rows = { cold: [] as string[], warm: [] as number[], memory: [] as number[] };
	for (const target of targets) {
		const { rooms, cookie } = prepared.get(target)!;
		const before = await measure(target.child, true);
		// The reference keeps no store: a first client pushes the document to it, untimed.
		if (target.writerSeeds) for (const room of rooms) await seedDocument({ ...clientOptions(target, room), name: 'seed' }, document.state);
		const cold: number[] = [];
		const holders: Array<() => void> = [];
		for (const [i, room] of rooms.entries()) {
			const opened = await openAndHold({ ...clientOptions(target, room), cookie: cookie(0, i) });
			cold.push(opened.ms);
			holders.push(opened.close);
		}
		const warm: number[] = [];
		for (const [i, room] of rooms.slice(0, 5).entries())
			warm.push((await timeToLoad({ ...clientOptions(target, room), cookie: cookie(1, i), name: 'late' })).ms);
		const loaded = await measure(target.child, true);
		for (const close of holders) close();
		rows.cold.push(target.writerSeeds ? 'n/a (no store)' : ms(median(cold)));
		rows.warm.push(median(warm));
		rows.memory.push((loaded.heapAndExternal - before.heapAndExternal) / HISTORY_DOCUMENTS);
	}
	const others = targets.map((_, i) => i).filter((i) => i !== 1);
	printTable(
		['', ...targets.map((t) => t.name), ...others.map((i) => `${targets[i].name.split(' ')[0]}/reference`)],
		[
			['time to open, first client (ms, median)', ...rows.cold, ...others.map(() => '')],
			['time to open, document in memory (ms, median)', ...rows.warm.map(ms), ...others.map((i) => ratio(rows.warm[i], rows.warm[1]))],
			['server memory per open document (MB)', ...rows.memory.map(mb), ...others.map((i) => ratio(rows.memory[i], rows.memory[1]))]
		]
	);
	console.log(`target < 2 MB of server memory per open full-length MOU (ours): ${verdict(rows.memory[0] < 2 * 1024 * 1024)} (${mb(rows.memory[0])} MB)`);
}

async function openAndHold(options: { url: string; cookie?: string; hocuspocusDocument?: string }): Promise<{ ms: number; close: () => void }> {
	const start = performance.now();
	const reader = new Reader({ ...options, name: 'holder' }, new SendLog());
	await reader.synced;
	return { ms: performance.now() - start, close: () => reader.close() };
}
