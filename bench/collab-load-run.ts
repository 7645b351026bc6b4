/**
 * One measured load: R rooms × k clients against one server, one writer per room typing at a
 * steady rate, every reader timing each keystroke from the writer's send to its own receipt.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measure, profile } from './collab-load-measure';
import { Reader, Samples, SendLog, Writer } from './collab-load-clients';

export interface Target {
	name: string;
	child: ChildProcess;
	/** The websocket URL of room `room` (an MOU id for ours, any name for the reference). */
	url(room: string): string;
	cookie(slot: number, room: number): string | undefined;
	/** Rooms available (ours: the seeded MOUs) — a run uses rooms[0..R). */
	rooms(run: number, count: number): string[];
	/** Whether this server sends durable acknowledgements (MESSAGE_PERSISTED). */
	acknowledges: boolean;
	/** The room's first state is pushed by its writer (no store on the server). */
	writerSeeds: boolean;
	/** Transactions committed in the server's database so far (PostgreSQL's statistics). */
	commits?: () => Promise<number>;
	/** Speaks Hocuspocus's framing (each message addressed to its document, auth first). */
	hocuspocus?: boolean;
	/** Whether rooms are unloaded when their last client leaves (a later run waits for that). */
	unloads?: boolean;
}

export interface LoadOptions {
	rooms: number;
	clientsPerRoom: number;
	keystrokesPerSecond: number;
	warmupMs: number;
	measureMs: number;
	cursors: boolean;
	initial: Uint8Array;
}

/** What one measured window (or several pooled) gave. */
export interface LoadResult {
	rooms: number;
	updates: number;
	expectedSamples: number;
	latency: Samples;
	ack: Samples | null;
	serverCpuMicros: number;
	postgresCpuMicros: number | null;
	commits: number | null;
	generatorCpuMicros: number;
	elapsedMs: number;
	memoryPerDocumentBytes: number;
	failedConnections: number;
	closedDuringRun: number;
}

export const cpuPerUpdate = (result: LoadResult) => result.serverCpuMicros / Math.max(1, result.updates);

let runNumber = 0;

/** R rooms × k clients connected to one server; typing only while a window is measured. */
export class LoadSession {
	private constructor(
		readonly target: Target,
		readonly options: LoadOptions,
		private readonly writers: Writer[],
		private readonly readers: Reader[],
		private readonly logs: SendLog[],
		private readonly failedConnections: number,
		private readonly memoryPerDocumentBytes: number
	) {}

	static async open(target: Target, options: LoadOptions): Promise<LoadSession> {
		const run = runNumber++;
		const before = await measure(target.child, true);
		const roomIds = target.rooms(run, options.rooms);
		const logs = roomIds.map(() => new SendLog());
		const writers = roomIds.map(
			(room, i) => new Writer({ ...clientOptions(target, room), cookie: target.cookie(0, i), name: `writer ${i}` }, options.initial, logs[i], options.cursors)
		);
		let failed = await settle(writers.map((writer) => writer.synced));
		const readers: Reader[] = [];
		for (let slot = 1; slot < options.clientsPerRoom; slot++) {
			roomIds.forEach((room, i) =>
				readers.push(new Reader({ ...clientOptions(target, room), cookie: target.cookie(slot, i), name: `reader ${slot}-${i}` }, logs[i]))
			);
		}
		failed += await settle(readers.map((reader) => reader.synced));
		const loaded = await measure(target.child, true);
		const perDocument = (loaded.heapAndExternal - before.heapAndExternal) / options.rooms;
		return new LoadSession(target, options, writers, readers, logs, failed, perDocument);
	}

	/** Types for warm-up + `measureMs`, recording only the latter. */
	async measureWindow(measureMs: number, warmupMs = this.options.warmupMs): Promise<LoadResult> {
		const { target, options, logs } = this;
		const latency = new Samples();
		const ack = target.acknowledges ? new Samples() : null;
		for (const writer of this.writers) writer.ackLatency = ack;
		for (const reader of this.readers) reader.latency = latency;
		const typing = this.writers.map((writer) => startTyping(writer, options.keystrokesPerSecond));
		await sleep(warmupMs);
		const startKeystrokes = countKeystrokes(logs);
		for (const log of logs) log.recording = true;
		const profileFile = process.env.BENCH_PROFILE ? `${process.env.BENCH_PROFILE}/${target.name.split(' ')[0]}-${runNumber++}.cpuprofile` : null;
		if (profileFile) profile(target.child, null);
		const cpuStart = await measure(target.child);
		const postgresStart = postgresCpuMicros();
		const commitsStart = await target.commits?.();
		const generatorStart = process.cpuUsage();
		const started = performance.now();
		await sleep(measureMs);
		for (const timer of typing) {
			clearInterval(timer.interval);
			clearTimeout(timer.start);
		}
		const cpuEnd = await measure(target.child);
		const postgresEnd = postgresCpuMicros();
		const generator = process.cpuUsage(generatorStart);
		const elapsedMs = performance.now() - started;
		if (profileFile) profile(target.child, profileFile);
		await sleep(1_100); // the last keystrokes arrive; PostgreSQL publishes its statistics (once a second)
		const commitsEnd = await target.commits?.();
		for (const log of logs) log.recording = false;
		const updates = countKeystrokes(logs) - startKeystrokes;
		const clients = [...this.writers, ...this.readers];
		return {
			rooms: options.rooms,
			updates,
			expectedSamples: updates * (options.clientsPerRoom - 1),
			latency,
			ack,
			serverCpuMicros: cpuEnd.cpuMicros - cpuStart.cpuMicros,
			postgresCpuMicros: postgresStart !== null && postgresEnd !== null ? postgresEnd - postgresStart : null,
			commits: commitsStart !== undefined && commitsEnd !== undefined ? commitsEnd - commitsStart : null,
			generatorCpuMicros: generator.user + generator.system,
			elapsedMs,
			memoryPerDocumentBytes: this.memoryPerDocumentBytes,
			failedConnections: this.failedConnections,
			closedDuringRun: clients.filter((client) => client.closeCode !== null).length - this.failedConnections
		};
	}

	close(): void {
		for (const client of [...this.writers, ...this.readers]) client.close();
	}
}

/** Several windows of the same session(s) as one result: samples pooled, CPU and counts added up. */
export function pool(results: LoadResult[]): LoadResult {
	const latency = new Samples();
	const ack = results[0].ack ? new Samples() : null;
	for (const result of results) {
		latency.values.push(...result.latency.values);
		if (ack && result.ack) ack.values.push(...result.ack.values);
	}
	const sum = (pick: (result: LoadResult) => number | null) =>
		results.some((result) => pick(result) === null) ? null : results.reduce((total, result) => total + pick(result)!, 0);
	return {
		...results[0],
		updates: sum((r) => r.updates)!,
		expectedSamples: sum((r) => r.expectedSamples)!,
		latency,
		ack,
		serverCpuMicros: sum((r) => r.serverCpuMicros)!,
		postgresCpuMicros: sum((r) => r.postgresCpuMicros),
		commits: sum((r) => r.commits),
		generatorCpuMicros: sum((r) => r.generatorCpuMicros)!,
		elapsedMs: sum((r) => r.elapsedMs)!,
		closedDuringRun: Math.max(...results.map((r) => r.closedDuringRun))
	};
}

/** One session, one window. */
export async function runLoad(target: Target, options: LoadOptions): Promise<LoadResult> {
	const session = await LoadSession.open(target, options);
	try {
		return await session.measureWindow(options.measureMs);
	} finally {
		session.close();
	}
}

/** Where a client of `room` connects, and how it frames its messages. */
export function clientOptions(target: Target, room: string): { url: string; hocuspocusDocument?: string } {
	return { url: target.url(room), hocuspocusDocument: target.hocuspocus ? room : undefined };
}

/** Waits for every client to be synced (30 s at most); returns how many were not. */
async function settle(promises: Promise<void>[]): Promise<number> {
	const deadline = sleep(30_000).then(() => 'timeout' as const);
	const results = await Promise.all(
		promises.map((promise) =>
			Promise.race([
				promise.then(
					() => 'ok' as const,
					() => 'failed' as const
				),
				deadline
			])
		)
	);
	return results.filter((result) => result !== 'ok').length;
}

function startTyping(writer: Writer, perSecond: number) {
	const period = 1000 / perSecond;
	// Writers start at random phases, as people do; then type at a steady pace.
	const timer: { start: NodeJS.Timeout; interval?: NodeJS.Timeout } = {
		start: setTimeout(() => {
			writer.keystroke();
			timer.interval = setInterval(() => writer.keystroke(), period);
		}, Math.random() * period)
	};
	return timer;
}

function countKeystrokes(logs: SendLog[]): number {
	return logs.reduce((sum, log) => sum + log.keystrokes, 0);
}

/** CPU time of every PostgreSQL process on this machine (its own processes, not ours), or null. */
export function postgresCpuMicros(): number | null {
	try {
		let ticks = 0;
		for (const pid of readdirSync('/proc')) {
			if (!/^\d+$/.test(pid)) continue;
			let stat: string;
			try {
				stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			} catch {
				continue;
			}
			const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
			if (!name.startsWith('postgres')) continue;
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
		}
		return (ticks * 1_000_000) / 100; // USER_HZ is 100 on Linux
	} catch {
		return null;
	}
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

const benchDir = fileURLToPath(new URL('.', import.meta.url));

/** Starts a server child (TypeScript through tsx, GC exposed for memory readings); resolves with its port. */
export async function startServerProcess(script: string, env: Record<string, string>, logFile: string): Promise<{ child: ChildProcess; port: number }> {
	const out = openSync(logFile, 'w');
	const child = fork(`${benchDir}${script}`, [], {
		cwd: fileURLToPath(new URL('..', import.meta.url)),
		execArgv: ['--import', 'tsx', '--import', `${benchDir}sveltekit-shim.ts`, '--expose-gc'],
		env: { ...process.env, ...env },
		stdio: ['ignore', out, out, 'ipc']
	});
	const port = await new Promise<number>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${script} did not start; see ${logFile}`)), 60_000);
		child.on('message', (message: { type?: string; port?: number }) => {
			if (message?.type !== 'ready') return;
			clearTimeout(timer);
			resolve(message.port!);
		});
		child.once('exit', (code) => reject(new Error(`${script} exited with ${code}; see ${logFile}`)));
	});
	return { child, port };
}
