/**
 * CPU per update only, ours against the reference, for optimising the server while the machine
 * is busy: latency on a shared machine is the machine's, but CPU time per update moves much less,
 * and taking many short windows in turns (ours, reference, reference, ours, …) lets drift fall on
 * both alike. Prints each window and the median ratio. Same load as bench/collab-load.ts.
 *
 * Run: npx tsx bench/collab-cpu.ts [--rooms 200] [--clients 3] [--rate 5] [--windows 8] [--seconds 4]
 *      [--strace]   (also counts each server's system calls per update; needs strace)
 *      [--together] (both servers typed at in the same windows: whatever else the machine does then
 *                    falls on both at once; each window's ratio is then a fair one)
 *      BENCH_PROFILE=<dir> profiles each of our windows (as collab-load.ts does).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { templateUpdate } from './collab-load-doc';
import { cpuPerUpdate, LoadSession, startServerProcess, type LoadOptions, type LoadResult, type Target } from './collab-load-run';
import { median } from './collab-load-report';
import { freshBenchDatabase, seedMous, seedPeople } from './collab-load-world';

const { values: args } = parseArgs({
	options: {
		rooms: { type: 'string', default: '200' },
		clients: { type: 'string', default: '3' },
		rate: { type: 'string', default: '5' },
		windows: { type: 'string', default: '8' },
		seconds: { type: 'string', default: '4' },
		strace: { type: 'boolean', default: false },
		together: { type: 'boolean', default: false }
	}
});
const ROOMS = Number(args.rooms);
const WINDOWS = Number(args.windows);
const load: LoadOptions = {
	rooms: ROOMS,
	clientsPerRoom: Number(args.clients),
	keystrokesPerSecond: Number(args.rate),
	warmupMs: 1_000,
	measureMs: Number(args.seconds) * 1000,
	cursors: true,
	initial: templateUpdate()
};

const bench = await freshBenchDatabase(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test');
const world = await seedPeople(bench.db, ROOMS, load.clientsPerRoom);
const mouIds = await seedMous(bench.db, world, ROOMS, load.initial);
const ours = await startServerProcess('collab-load-server.ts', { DATABASE_URL: bench.url, REDIS_URL: '' }, join(tmpdir(), 'collab-cpu-ours.log'));
const reference = await startServerProcess('reference-server.ts', {}, join(tmpdir(), 'collab-cpu-reference.log'));
const targets: Target[] = [
	{
		name: 'ours',
		child: ours.child,
		url: (room) => `ws://127.0.0.1:${ours.port}/collab/${room}`,
		cookie: (slot, room) => world.cookies[slot][room],
		rooms: (_run, count) => mouIds.slice(0, count),
		acknowledges: true,
		writerSeeds: false,
		commits: async () => {
			const [row] = await bench.db.sql<{ commits: string }[]>`
				select xact_commit as commits from pg_stat_database where datname = current_database()`;
			return Number(row.commits);
		}
	},
	{
		name: 'reference',
		child: reference.child,
		url: (room) => `ws://127.0.0.1:${reference.port}/${room}`,
		cookie: () => undefined,
		rooms: (run, count) => Array.from({ length: count }, (_, i) => `run${run}-room${i}`),
		acknowledges: false,
		writerSeeds: true
	}
];

try {
	const sessions = [await LoadSession.open(targets[0], load), await LoadSession.open(targets[1], load)];
	const results: LoadResult[][] = [[], []];
	const syscalls: Array<Array<Record<string, number>>> = [[], []];
	const kernel: Array<Array<Record<string, number>>> = [[], []];
	await sessions[0].measureWindow(load.measureMs, 4_000); // JIT and the garbage of loading, for each
	await sessions[1].measureWindow(load.measureMs, 4_000);
	for (let round = 0; round < WINDOWS; round++) {
		if (args.together) {
			const before = [0, 1].map((i) => kernelCounts(targets[i].child.pid!));
			const traced = args.strace ? [0, 1].map((i) => strace(targets[i].child.pid!, load.warmupMs + 200, load.measureMs - 400)) : null;
			const both = await Promise.all(sessions.map((session) => session.measureWindow(load.measureMs)));
			for (const i of [0, 1]) {
				results[i].push(both[i]);
				const after = kernelCounts(targets[i].child.pid!);
				kernel[i].push(Object.fromEntries(Object.entries(after).map(([key, value]) => [key, (value - before[i][key]) / both[i].updates])));
			}
			if (traced) for (const [i, counts] of (await Promise.all(traced)).entries()) syscalls[i].push(counts);
			continue;
		}
		const order = round % 2 === 0 ? [0, 1] : [1, 0];
		for (const i of order) {
			const traced = args.strace ? strace(targets[i].child.pid!, load.warmupMs + 200, load.measureMs - 400) : null;
			results[i].push(await sessions[i].measureWindow(load.measureMs));
			if (traced) syscalls[i].push(await traced);
		}
	}
	for (const session of sessions) session.close();
	for (const [i, target] of targets.entries()) {
		const perUpdate = results[i].map(cpuPerUpdate);
		console.log(`${target.name.padEnd(10)} CPU per update (µs): ${perUpdate.map((x) => x.toFixed(0)).join(' ')}  median ${median(perUpdate).toFixed(0)}`);
		const latency = (p: number) => median(results[i].map((r) => r.latency.percentile(p))).toFixed(1);
		console.log(
			`${''.padEnd(10)} edit propagation, median of windows: p50 ${latency(50)} ms, p99 ${latency(99)} ms (CPU is the figure here; latency is the machine's)`
		);
		if (results[i][0].commits !== null) {
			const commits = results[i].map((r) => r.commits! / Math.max(1, r.updates));
			console.log(`${''.padEnd(10)} PostgreSQL commits per update: ${commits.map((x) => x.toFixed(2)).join(' ')}  median ${median(commits).toFixed(2)}`);
			const interval = results[i].map((r) => r.elapsedMs / Math.max(1, r.commits!));
			console.log(`${''.padEnd(10)} ms between commits: ${interval.map((x) => x.toFixed(1)).join(' ')}`);
			const postgres = results[i].map((r) => (r.postgresCpuMicros ?? NaN) / Math.max(1, r.updates));
			console.log(`${''.padEnd(10)} PostgreSQL CPU per update (µs, every PostgreSQL process on the machine): ${postgres.map((x) => x.toFixed(0)).join(' ')}`);
			const fit = growthAtSameCommitRate(perUpdate, commits);
			console.log(
				`${''.padEnd(10)} CPU per update ≈ ${fit.base.toFixed(0)} + ${fit.perCommit.toFixed(0)} × commits per update ${fit.perWindow >= 0 ? '+' : '−'} ${Math.abs(fit.perWindow).toFixed(1)} × window (growth at the same commit rate)`
			);
		}
		if (kernel[i].length > 0) {
			const keys = Object.keys(kernel[i][0]);
			console.log(`${''.padEnd(10)} per update (median): ${keys.map((key) => `${key} ${median(kernel[i].map((k) => k[key])).toFixed(2)}`).join(', ')}`);
		}
		if (args.strace) {
			const rate = results[i][0].updates / (load.measureMs / 1000);
			const names = [...new Set(syscalls[i].flatMap((counts) => Object.keys(counts)))];
			const per = names.map((name) => `${name} ${(median(syscalls[i].map((c) => c[name] ?? 0)) / ((load.measureMs - 400) / 1000) / rate).toFixed(2)}`);
			console.log(`${''.padEnd(10)} system calls per update: ${per.join(', ')}`);
		}
	}
	const ratios = results[0].map((r, w) => cpuPerUpdate(r) / cpuPerUpdate(results[1][w]));
	console.log(
		`ours/reference per round: ${ratios.map((x) => x.toFixed(2)).join(' ')}  median ${median(ratios).toFixed(2)}×, ratio of medians ${(median(results[0].map(cpuPerUpdate)) / median(results[1].map(cpuPerUpdate))).toFixed(2)}×`
	);
} finally {
	ours.child.disconnect();
	reference.child.disconnect();
	await new Promise((resolve) => setTimeout(resolve, 500));
	await bench.drop();
}
process.exit(0);

/**
 * Least squares of CPU per update on commits per update and the window's index: `perWindow` is
 * how much a window costs more than the one before at the same commit rate (work that grows
 * with the document or with time), apart from what the commit rate explains.
 */
function growthAtSameCommitRate(cpu: number[], commits: number[]): { base: number; perCommit: number; perWindow: number } {
	const rows = cpu.map((y, w) => [1, commits[w], w, y]);
	// Normal equations (3 × 3), solved by Cramer's rule.
	const m = [0, 1, 2].map((a) => [0, 1, 2].map((b) => rows.reduce((sum, r) => sum + r[a] * r[b], 0)));
	const v = [0, 1, 2].map((a) => rows.reduce((sum, r) => sum + r[a] * r[3], 0));
	const det = (x: number[][]) =>
		x[0][0] * (x[1][1] * x[2][2] - x[1][2] * x[2][1]) - x[0][1] * (x[1][0] * x[2][2] - x[1][2] * x[2][0]) + x[0][2] * (x[1][0] * x[2][1] - x[1][1] * x[2][0]);
	const d = det(m);
	const solve = (k: number) => det(m.map((row, a) => row.map((cell, b) => (b === k ? v[a] : cell)))) / d;
	return { base: solve(0), perCommit: solve(1), perWindow: solve(2) };
}

/** Read and write system calls (/proc/<pid>/io) and the main thread's context switches (a wake-up each, mostly). */
function kernelCounts(pid: number): Record<string, number> {
	const io = readFileSync(`/proc/${pid}/io`, 'utf8');
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const field = (text: string, name: string) => Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
		.slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2)
		.split(' ');
	return {
		'user µs': Number(stat[11]) * 10_000, // clock ticks of 10 ms
		'system µs': Number(stat[12]) * 10_000,
		'read calls': field(io, 'syscr'),
		'write calls': field(io, 'syscw'),
		'voluntary switches': field(status, 'voluntary_ctxt_switches'),
		'involuntary switches': field(status, 'nonvoluntary_ctxt_switches')
	};
}

/** System call counts of `pid` (all threads) for `forMs`, starting in `afterMs`. */
function strace(pid: number, afterMs: number, forMs: number): Promise<Record<string, number>> {
	return new Promise((resolve) => {
		setTimeout(() => {
			const file = join(tmpdir(), `collab-cpu-strace-${pid}.txt`);
			const child = spawn('timeout', ['-s', 'INT', String(forMs / 1000), 'strace', '-c', '-f', '-p', String(pid), '-o', file], { stdio: 'ignore' });
			child.on('exit', async () => {
				const counts: Record<string, number> = {};
				for (const line of readFileSync(file, 'utf8').split('\n')) {
					const cells = line.trim().split(/\s+/);
					if (cells.length >= 5 && /^\d+$/.test(cells[3]) && cells.at(-1) !== 'total') counts[cells.at(-1)!] = Number(cells[3]);
				}
				resolve(counts);
			});
		}, afterMs);
	});
}
