/**
 * Redlines at full length: the real template after 10,000 tracked edits by both parties — how big
 * the stored document gets, how long it takes to load, and how long a compare of two versions
 * takes to compute and to render (server-side, as the page does).
 * Run: npx tsx bench/redlines.bench.ts [--edits 10000] [--runs 7] [--scattered]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import { yXmlFragmentToProsemirrorJSON, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { compile } from 'svelte/compiler';
import { render } from 'svelte/server';
import { documentSchema } from '../src/lib/editor/schema';
import { compareStates } from '../src/lib/server/compare/compare';
import type { ClientDirectory } from '../src/lib/server/compare/attribution';
import type { CompareBlock } from '../src/lib/compare/types';
import type { Party, SuggestionAttrs } from '../src/lib/redlines/types';
import { editableTexts, templateUpdate } from './collab-load-doc';

const arg = (name: string, fallback: number) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EDITS = arg('edits', 10_000);
const RUNS = arg('runs', 7);
/** The worst case: every edit a separate suggestion somewhere else (a word, or a struck passage). */
const SCATTERED = process.argv.includes('--scattered');

// Deterministic pseudo-random numbers, so every run edits the same way.
let seed = 2026;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const PHRASES = [
	'in consultation with the principal ',
	'no later than thirty days after ',
	'subject to the annual review ',
	'except where state law requires otherwise, '
];

interface Counsel {
	party: Party;
	doc: Y.Doc;
	name: string;
	authorId: string;
}

/**
 * Counsel of each side on their own replica, taking turns in sittings: typing a phrase as a
 * suggested insertion (one update per keystroke) or striking a passage as a suggested deletion
 * (one update), in unlocked paragraphs anywhere in the document. Returns every update in order.
 */
function negotiate(initial: Uint8Array, edits: number, onEdit: (count: number, doc: Y.Doc) => void) {
	const counsel: Counsel[] = [
		{ party: 'agency', doc: new Y.Doc({ gc: false }), name: 'Dana Whitfield', authorId: '00000000-0000-4000-8000-00000000000a' },
		{ party: 'district', doc: new Y.Doc({ gc: false }), name: 'Elena Brooks', authorId: '00000000-0000-4000-8000-00000000000d' }
	];
	counsel.forEach((c, i) => ((c.doc.clientID = 1000 + i), Y.applyUpdate(c.doc, initial)));
	const log: Uint8Array[] = [];
	let suggestion = 0;
	const edit = (me: Counsel, change: () => void) => {
		let update: Uint8Array | null = null;
		const capture = (u: Uint8Array) => (update = u);
		me.doc.on('update', capture);
		change();
		me.doc.off('update', capture);
		if (!update) return;
		log.push(update);
		for (const other of counsel) if (other !== me) Y.applyUpdate(other.doc, update);
		onEdit(log.length, me.doc);
	};
	for (let sitting = 0; log.length < edits; sitting++) {
		const me = counsel[SCATTERED ? Math.floor(sitting / 50) % 2 : sitting % 2];
		const attrs = (): SuggestionAttrs => ({
			id: `s${++suggestion}`,
			party: me.party,
			authorId: me.authorId,
			authorName: me.name,
			at: new Date(Date.UTC(2026, 1, 1) + log.length * 1000).toISOString()
		});
		const text = pick(editableTexts(me.doc));
		if (random() < 0.3 && text.length > 40) {
			const length = 3 + Math.floor(random() * 30);
			const at = Math.floor(random() * (text.length - length));
			const mark = attrs();
			edit(me, () => text.format(at, length, { deletion: mark }));
			continue;
		}
		const mark = attrs();
		let at = Math.floor(random() * (text.length + 1));
		if (SCATTERED) {
			const word = pick(PHRASES).split(' ')[0] + ' ';
			edit(me, () => text.insert(at, word, { insertion: mark }));
			continue;
		}
		for (const char of pick(PHRASES)) {
			if (log.length >= edits) break;
			edit(me, () => text.insert(at++, char, { insertion: mark }));
		}
	}
	return log;
}

function median(samples: number[]): number {
	const sorted = [...samples].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}
function time<T>(fn: () => T): [number, T] {
	const start = performance.now();
	const result = fn();
	return [performance.now() - start, result];
}
function measure<T>(fn: () => T): { ms: number; result: T } {
	let result!: T;
	const samples = Array.from({ length: RUNS }, () => {
		const [ms, value] = time(fn);
		result = value;
		return ms;
	});
	return { ms: median(samples), result };
}

/**
 * The compare page's Svelte components compiled for the server, as SvelteKit renders them. They
 * import presence.ts (run by tsx) and each other; types from $lib/server are erased by the compiler.
 */
async function serverComponents(): Promise<(blocks: CompareBlock[]) => string> {
	// Inside the project, so the compiled modules resolve `svelte` from its node_modules.
	const dir = fileURLToPath(new URL('../node_modules/.cache/redlines-bench/', import.meta.url));
	mkdirSync(dir, { recursive: true });
	const presence = pathToFileURL(fileURLToPath(new URL('../src/lib/editor/presence.ts', import.meta.url))).href;
	for (const name of ['CompareRuns', 'CompareBlocks']) {
		const source = readFileSync(new URL(`../src/lib/components/compare/${name}.svelte`, import.meta.url), 'utf8');
		const { js } = compile(source, { generate: 'server', filename: `${name}.svelte`, css: 'external' });
		writeFileSync(join(dir, `${name}.mjs`), js.code.replaceAll('$lib/editor/presence', presence).replace(/\.\/(\w+)\.svelte/g, './$1.mjs'));
	}
	const { default: CompareBlocks } = await import(pathToFileURL(join(dir, 'CompareBlocks.mjs')).href);
	return (blocks) => render(CompareBlocks, { props: { blocks } }).body;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

const initial = templateUpdate();
const half = Math.floor(EDITS / 2);
let midway: Uint8Array = initial;
const [negotiateMs, log] = time(() =>
	negotiate(initial, EDITS, (count, doc) => {
		if (count === half) midway = Y.encodeStateAsUpdate(doc);
	})
);
// Stored as the server keeps it: the log merged without ever passing through a GC'd doc.
const stored = Y.mergeUpdates([initial, ...log]);
const load = () => {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, stored);
	return doc;
};
const doc = load();
let items = 0;
for (const structs of doc.store.clients.values()) items += structs.length;
const words = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment('body'), documentSchema).textContent.split(/\s+/).length;

console.log(
	`full-length MOU (template ${kb(initial.length)}, ~${words.toLocaleString('en-US')} words) after ${log.length.toLocaleString('en-US')} tracked edits by both parties${SCATTERED ? ', scattered' : ''} (simulated in ${(negotiateMs / 1000).toFixed(1)} s)`
);
console.log(`  stored size (merged update)              ${kb(stored.length)}  (${items.toLocaleString('en-US')} Yjs structs)`);
console.log(`  load: new Y.Doc({ gc: false }) + apply    ${ms(measure(() => load().destroy()).ms)}  (median of ${RUNS})`);
console.log(`  ProseMirror JSON (yXmlFragmentToProsemirrorJSON)  ${ms(measure(() => yXmlFragmentToProsemirrorJSON(doc.getXmlFragment('body'))).ms)}`);
console.log(
	`  ProseMirror node for the editor's schema  ${ms(measure(() => yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment('body'), documentSchema)).ms)}`
);

const renderBlocks = await serverComponents();
const directory: ClientDirectory = {
	client: (id) => (id === 1000 ? { party: 'agency', author: 'Dana Whitfield' } : id === 1001 ? { party: 'district', author: 'Elena Brooks' } : null)
};
for (const [label, older] of [
	[`after ${half.toLocaleString('en-US')} edits → after ${log.length.toLocaleString('en-US')}`, midway],
	['template → after all edits', initial]
] as const) {
	const computed = measure(() => compareStates(older, stored, { directory }));
	const { summary, blocks } = computed.result;
	const json = JSON.stringify(computed.result);
	const rendered = measure(() => renderBlocks(blocks));
	const count = (c: Record<string, number>) => c.agency + c.district + c.unknown;
	console.log(`compare ${label}: ${count(summary.insertions)} insertions, ${count(summary.deletions)} deletions`);
	console.log(`  compute (both states loaded, walked)     ${ms(computed.ms)}  (median of ${RUNS}; result ${kb(json.length)} as JSON)`);
	console.log(`  server render of the document (Svelte)  ${ms(rendered.ms)}  (${kb(rendered.result.length)} of HTML)`);
	console.log(`  total                                    ${ms(computed.ms + rendered.ms)}`);
}
