// Lint: correctness rules from ESLint, typescript-eslint and eslint-plugin-svelte, plus the layering
// rules of ARCHITECTURE.md ("Imports"), so the structure cannot drift silently.
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

/** Server-only code never reaches the browser bundle. */
const noServerCode = {
	group: ['$lib/server', '$lib/server/*', '**/lib/server/*', '../server/*', '../../server/*'],
	message: 'Browser code must not import $lib/server: move the shared part to $lib/<domain>/.'
};
/** Routes and other domains reach a server domain only through its index.ts. */
const domainIndexOnly = {
	group: ['$lib/server/*/*', '!$lib/server/*/index'],
	message: 'Import a server domain through its index ($lib/server/<domain>), not its files.'
};

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'test-results/', 'playwright-report/', 'bench/results/', '.data/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
			'@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
			// TypeScript itself reports undefined names, with the DOM's and Svelte's types.
			'no-undef': 'off',
			// Playwright fixtures that use no other fixture take `{}`.
			'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }],
			// Svelte's own runtime checks keyed each blocks; resolve() for links is a SvelteKit 3 concern;
			// plain Map/Set hold non-reactive caches on purpose (reactive state is $state).
			'svelte/require-each-key': 'off',
			'svelte/no-navigation-without-resolve': 'off',
			'svelte/prefer-svelte-reactivity': 'off',
			// {' '} keeps a space Svelte would otherwise drop between inline elements.
			'svelte/no-useless-mustaches': 'off'
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: { parserOptions: { projectService: false, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } }
	},
	{
		files: ['src/lib/**/*.svelte', 'src/lib/**/*.svelte.ts', 'src/lib/components/**', 'src/lib/editor/**', 'src/lib/ui/**'],
		rules: { 'no-restricted-imports': ['error', { patterns: [noServerCode] }] }
	},
	{
		files: ['src/routes/**'],
		rules: { 'no-restricted-imports': ['error', { patterns: [domainIndexOnly] }] }
	}
);
