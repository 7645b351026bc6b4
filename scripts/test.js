// The whole test suite, as the README and CI run it: build, unit + integration (real PostgreSQL when
// DATABASE_URL is set, then the database-level suites again on embedded PGlite), then Chromium end-to-end.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';

/**
 * The rule for the PGlite run: every integration suite that opens its database with freshDatabase()
 * (tests/helpers/db.ts) — all of them reach it through the store modules — runs on both databases.
 * Left out: suites that start the production server, which picks its own database, so a second run adds nothing.
 */
const SERVER_SUITES = new Set(['authorization.test.ts', 'origin.test.ts']);
const databaseSuites = readdirSync('tests/integration')
	.filter((name) => name.endsWith('.test.ts') && !SERVER_SUITES.has(name))
	.sort()
	.map((name) => `tests/integration/${name}`);

// Steps in one inner list run at the same time: each is one process, and the machine has two cores.
const steps = [
	[['Sync SvelteKit types', ['svelte-kit', 'sync'], {}]],
	[
		// The layering rules of ARCHITECTURE.md and the lint's correctness rules.
		['Lint', ['eslint', 'src', 'tests', 'bench', 'scripts', 'server'], {}],
		['Formatting', ['prettier', '--check', 'src', 'tests', 'bench', 'scripts', 'server'], {}]
	],
	[['Build the app', ['vite', 'build', '--logLevel', 'warn'], {}]],
	[['Unit and integration tests', ['vitest', 'run'], {}]],
	...(process.env.DATABASE_URL ? [[['Database suites again on embedded PGlite', ['vitest', 'run', ...databaseSuites], { TEST_DB: 'pglite' }]]] : []),
	[['End-to-end tests in Chromium', ['playwright', 'test'], {}]]
];

/** Runs one step; alone it prints as it goes, beside another its output is printed when it ends (not interleaved). */
function run([title, args, env], alone) {
	console.log(`\n=== ${title}: npx ${args.join(' ')}`);
	const started = Date.now();
	const child = spawn('npx', args, { stdio: alone ? 'inherit' : ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
	let output = '';
	child.stdout?.on('data', (d) => (output += d));
	child.stderr?.on('data', (d) => (output += d));
	return new Promise((resolve) => {
		child.on('close', (status) => {
			if (output) process.stdout.write(`--- ${title}:\n${output}`);
			console.log(`=== ${title}: ${status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
			resolve(status ?? 1);
		});
	});
}

for (const group of steps) {
	const failed = (await Promise.all(group.map((step) => run(step, group.length === 1)))).find((status) => status !== 0);
	if (failed !== undefined) process.exit(failed);
}
