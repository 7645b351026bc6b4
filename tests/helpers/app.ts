import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

export interface RunningApp {
	url: string;
	process: ChildProcess;
	output: () => string;
	stop(): Promise<void>;
}

/** Starts the production server (build/ must exist) as a separate process, the way `npm start` does. */
export async function startApp(env: Record<string, string | undefined>): Promise<RunningApp> {
	const port = await freePort();
	let output = '';
	const child = spawn(process.execPath, ['server/start.js'], {
		cwd: root,
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`app did not start:\n${output}`)), 60_000);
		child.stdout!.on('data', () => {
			if (output.includes('MOU Studio is running at')) {
				clearTimeout(timer);
				resolve();
			}
		});
		child.on('exit', (code) => reject(new Error(`app exited with ${code}:\n${output}`)));
	});
	return {
		url: `http://127.0.0.1:${port}`,
		process: child,
		output: () => output,
		stop: () =>
			new Promise((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			})
	};
}

/** A form post the way a browser sends it (SvelteKit checks the Origin). */
export function postForm(app: RunningApp, path: string, fields: Record<string, string>, cookie?: string) {
	return fetch(app.url + path, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			// As a browser without JavaScript posts it: SvelteKit answers JSON to `*/*`.
			accept: 'text/html',
			origin: app.url,
			...(cookie ? { cookie } : {})
		},
		body: new URLSearchParams(fields).toString()
	});
}

export function get(app: RunningApp, path: string, cookie?: string) {
	return fetch(app.url + path, { redirect: 'manual', headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } });
}
