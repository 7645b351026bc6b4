import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The structure ARCHITECTURE.md promises, checked on the source itself: domain folders import each
// other without cycles, and no source file grows past what one person reads at once.
const root = resolve(import.meta.dirname, '../..');
const lib = join(root, 'src/lib');

function sourceFiles(dir: string, kinds = /\.(ts|js|svelte)$/): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sourceFiles(path, kinds);
		return kinds.test(name) ? [path] : [];
	});
}

const MAX_LINES = 400;

/** Lines as `wc -l` counts them, plus a last line without its newline. */
function lineCount(text: string): number {
	const newlines = text.split('\n').length - 1;
	return text.endsWith('\n') || text === '' ? newlines : newlines + 1;
}

/** The domain a file or folder belongs to: src/lib/<domain> or src/lib/server/<domain> (a lone file is its own). */
function domainOf(path: string): string | null {
	const parts = relative(lib, path)
		.replace(/\.(svelte\.)?(ts|js|svelte)$/, '')
		.split('/');
	if (parts[0].startsWith('..')) return null;
	return parts[0] === 'server' && parts.length > 1 ? `server/${parts[1]}` : parts[0];
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importedFiles(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	const targets: string[] = [];
	for (const match of text.matchAll(IMPORT)) {
		const spec = match[1] ?? match[2];
		if (spec.startsWith('$lib/')) targets.push(join(lib, spec.slice(5)));
		else if (spec.startsWith('.')) targets.push(resolve(dirname(file), spec));
	}
	return targets;
}

function domainGraph(): Map<string, Set<string>> {
	const graph = new Map<string, Set<string>>();
	for (const file of sourceFiles(lib)) {
		const from = domainOf(file);
		if (!from) continue;
		for (const target of importedFiles(file)) {
			const to = domainOf(target);
			if (!to || to === from) continue;
			if (!graph.has(from)) graph.set(from, new Set());
			graph.get(from)!.add(to);
		}
	}
	return graph;
}

/** Every cycle found by a depth-first walk, each as the path that closes it. */
function cyclesOf(graph: Map<string, Set<string>>): string[][] {
	const cycles: string[][] = [];
	const done = new Set<string>();
	const walk = (node: string, path: string[]) => {
		const at = path.indexOf(node);
		if (at >= 0) return void cycles.push([...path.slice(at), node]);
		if (done.has(node)) return;
		for (const next of graph.get(node) ?? []) walk(next, [...path, node]);
		done.add(node);
	};
	for (const node of graph.keys()) walk(node, []);
	return cycles;
}

describe('source structure', () => {
	it('has no file in src over 400 lines', () => {
		const long = sourceFiles(join(root, 'src'), /\.(ts|js|svelte|css|html|sql)$/)
			.map((file) => ({ file: relative(root, file), lines: lineCount(readFileSync(file, 'utf8')) }))
			.filter(({ lines }) => lines > MAX_LINES)
			.map(({ file, lines }) => `${file}: ${lines} lines`);
		expect(long).toEqual([]);
	});

	it('has no import cycle between domain folders', () => {
		expect(cyclesOf(domainGraph()).map((cycle) => cycle.join(' → '))).toEqual([]);
	});

	it('finds a cycle when one exists (the check itself works)', () => {
		const graph = new Map([
			['a', new Set(['b'])],
			['b', new Set(['c'])],
			['c', new Set(['a'])]
		]);
		expect(cyclesOf(graph)).toHaveLength(1);
	});
});
