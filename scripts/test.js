// The whole test suite, as the README and CI run it: build, unit + integration (real PostgreSQL when
// DATABASE_URL is set, then the database-level suites again on embedded PGlite), then Chromium end-to-end.
import { spawnSync } from 'node:child_process';

const steps = [
	['Sync SvelteKit types', ['svelte-kit', 'sync'], {}],
	['Build the app', ['vite', 'build', '--logLevel', 'warn'], {}],
	['Unit and integration tests', ['vitest', 'run'], {}],
	...(process.env.DATABASE_URL
		? [['Database suites again on embedded PGlite', ['vitest', 'run', 'tests/integration/auth.test.ts', 'tests/integration/organizations.test.ts', 'tests/integration/mous.test.ts', 'tests/integration/collab.test.ts', 'tests/integration/locks.test.ts', 'tests/integration/collab-limits.test.ts', 'tests/integration/collab-scale.test.ts', 'tests/integration/collab-scale-health.test.ts', 'tests/integration/readiness.test.ts'], { TEST_DB: 'pglite' }]]
		: []),
	['End-to-end tests in Chromium', ['playwright', 'test'], {}]
];

for (const [title, args, env] of steps) {
	console.log(`\n=== ${title}: npx ${args.join(' ')}`);
	const started = Date.now();
	const result = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, ...env } });
	console.log(`=== ${title}: ${result.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	if (result.status !== 0) process.exit(result.status ?? 1);
}
