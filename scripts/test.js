// The whole test suite, as the README and CI run it: build, unit + integration (real PostgreSQL when
// DATABASE_URL is set, then the database-level suites again on embedded PGlite), then Chromium end-to-end.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

/** Suites that start the production server: it picks its own database, so a second run adds nothing. */
const SERVER_SUITES = new Set(['authorization.test.ts', 'origin.test.ts']);
const databaseSuites = readdirSync('tests/integration')
	.filter((name) => name.endsWith('.test.ts') && !SERVER_SUITES.has(name))
	.sort()
	.map((name) => `tests/integration/${name}`);

const steps = [
	['Sync SvelteKit types', ['svelte-kit', 'sync'], {}],
	// The layering rules of ARCHITECTURE.md and the lint's correctness rules.
	['Lint', ['eslint', 'src', 'tests', 'bench', 'scripts', 'server'], {}],
	['Formatting', ['prettier', '--check', 'src', 'tests', 'bench', 'scripts', 'server'], {}],
	['Build the app', ['vite', 'build', '--logLevel', 'warn'], {}],
	['Unit and integration tests', ['vitest', 'run'], {}],
	...(process.env.DATABASE_URL ? [['Database suites again on embedded PGlite', ['vitest', 'run', ...databaseSuites], { TEST_DB: 'pglite' }]] : []),
	['End-to-end tests in Chromium', ['playwright', 'test'], {}]
];

for (const [title, args, env] of steps) {
	console.log(`\n=== ${title}: npx ${args.join(' ')}`);
	const started = Date.now();
	const result = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, ...env } });
	console.log(`=== ${title}: ${result.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	if (result.status !== 0) process.exit(result.status ?? 1);
}
