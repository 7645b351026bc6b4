/**
 * How the benchmark reads a server's own CPU time and memory: the server child answers over its
 * IPC channel with process.cpuUsage() and process.memoryUsage() (after a full GC when asked).
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export interface Measurement {
	/** User + system CPU time of the server process since it started, in microseconds. */
	cpuMicros: number;
	/** JS heap in use plus memory outside it held by JS objects (ArrayBuffers, sockets). */
	heapAndExternal: number;
	rss: number;
	extra: Record<string, unknown>;
}

interface Request {
	type: 'measure';
	id: number;
	gc: boolean;
}

/** With BENCH_PROFILE=<dir>, the measured window of each run is profiled (for optimising the server). */
interface ProfileRequest {
	type: 'profile';
	file: string | null;
}

/** Server side: answer measurement requests from the benchmark. */
export function answerMeasurements(extra: () => Record<string, unknown>): void {
	let profiler: Session | null = null;
	process.on('message', async (request: Request | ProfileRequest) => {
		if (request?.type === 'profile') {
			if (request.file === null) {
				profiler = new Session();
				profiler.connect();
				await profiler.post('Profiler.enable');
				await profiler.post('Profiler.start');
			} else if (profiler) {
				const { profile } = await profiler.post('Profiler.stop');
				writeFileSync(request.file, JSON.stringify(profile));
				profiler.disconnect();
				profiler = null;
			}
			return;
		}
		if (request?.type !== 'measure') return;
		const collect = (globalThis as { gc?: () => void }).gc;
		if (request.gc && collect) {
			collect();
			collect();
		}
		const cpu = process.cpuUsage();
		const memory = process.memoryUsage();
		const answer: Measurement = {
			cpuMicros: cpu.user + cpu.system,
			heapAndExternal: memory.heapUsed + memory.external,
			rss: memory.rss,
			extra: extra()
		};
		process.send?.({ type: 'measured', id: request.id, answer });
	});
	// The benchmark going away takes the server with it.
	process.on('disconnect', () => process.exit(0));
}

let nextId = 1;

/** Benchmark side: ask a server child for a measurement. */
export function measure(child: ChildProcess, gc = false): Promise<Measurement> {
	const id = nextId++;
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			const state = child.exitCode !== null || child.signalCode !== null ? `it exited (${child.exitCode ?? child.signalCode})` : 'it is still running';
			reject(new Error(`server ${child.spawnargs.at(-1) ?? ''} (pid ${child.pid}) did not answer a measurement in 90 s; ${state}`));
		}, 90_000);
		const listener = (message: { type?: string; id?: number; answer?: Measurement }) => {
			if (message?.type !== 'measured' || message.id !== id) return;
			clearTimeout(timer);
			child.off('message', listener);
			resolve(message.answer!);
		};
		child.on('message', listener);
		child.send({ type: 'measure', id, gc } satisfies Request);
	});
}

/** Starts (file null) or stops and saves a CPU profile of the server's measured window. */
export function profile(child: ChildProcess, file: string | null): void {
	child.send({ type: 'profile', file } satisfies ProfileRequest);
}
