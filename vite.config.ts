import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { collabDevServer } from './server/vite-collab.js';

export default defineConfig({
	plugins: [sveltekit(), collabDevServer()],
	test: {
		include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// On embedded PGlite, the migrations run once and each file opens a copy of the result.
		globalSetup: ['tests/helpers/pglite-template.ts'],
		// Integration files each create their own database; two at a time suits two cores.
		maxWorkers: 2,
		fileParallelism: true
	}
});
