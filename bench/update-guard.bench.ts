/**
 * What the update guard costs on a full-size MOU, next to what applying the update costs anyway.
 * Run: npx tsx bench/update-guard.bench.ts
 */
import * as Y from 'yjs';
import { prosemirrorJSONToYDoc } from '@tiptap/y-tiptap';
import { documentSchema, DOCUMENT_ROOTS } from '../src/lib/editor/schema';
import { createUpdateGuard } from '../src/lib/server/collab/guard';

type PMNode = { type: string; attrs?: Record<string, unknown>; content?: PMNode[]; text?: string; marks?: { type: string }[] };

const SECTIONS = 30;
const CLAUSES_PER_SECTION = 2;
const KEYSTROKES = 3000;

// Deterministic pseudo-random numbers so runs compare.
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

const WORDS = 'the agency district officer school student shall may provide assign training records review program law enforcement safety campus discipline report principal notice party term supervision incident'.split(' ');
const sentence = (words: number) => Array.from({ length: words }, () => pick(WORDS)).join(' ') + '. ';

function provisionParagraph(): PMNode {
	return {
		type: 'paragraph',
		content: [
			{ type: 'text', text: sentence(40) },
			{ type: 'term', attrs: { key: pick(['agency_name', 'district_name', 'sro_count']) } },
			{ type: 'text', text: ' ' + sentence(6), marks: [{ type: 'bold' }] },
			{ type: 'text', text: sentence(60) }
		]
	};
}

function synthesisedMou(): PMNode {
	const content: PMNode[] = [];
	let clauseNo = 0;
	for (let s = 1; s <= SECTIONS; s++) {
		content.push({ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: `Section ${s}` }] });
		for (let c = 0; c < CLAUSES_PER_SECTION; c++) {
			const locked = clauseNo++ % 2 === 0;
			content.push({
				type: 'clause',
				attrs: { clauseId: `c${clauseNo}`, title: `Provision ${s}.${c + 1}`, level: locked ? 'required' : 'custom', nasro: locked ? '01.01.04-c' : '', locked },
				content: Array.from({ length: 3 }, provisionParagraph)
			});
		}
	}
	return { type: 'doc', content };
}

/** The stored state of the MOU, as the server would load it from its checkpoint. */
function storedState(json: PMNode): Uint8Array {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(prosemirrorJSONToYDoc(documentSchema, json, 'body')));
	doc.getMap('terms').set('agency_name', 'Springfield Police Department');
	return Y.encodeStateAsUpdate(doc);
}

function loadServerDoc(state: Uint8Array): Y.Doc {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, state);
	return doc;
}

/** Texts a user may type in: every XmlText under an unlocked clause. */
function unlockedTexts(doc: Y.Doc): Y.XmlText[] {
	const texts: Y.XmlText[] = [];
	for (const node of doc.getXmlFragment('body').toArray()) {
		if (!(node instanceof Y.XmlElement) || node.nodeName !== 'clause' || node.getAttribute('locked')) continue;
		for (const paragraph of node.toArray()) {
			for (const child of (paragraph as Y.XmlElement).toArray()) if (child instanceof Y.XmlText) texts.push(child);
		}
	}
	return texts;
}

/** A counsel typing: runs of keystrokes at one cursor, some backspaces, now and then a new place. */
function typingUpdates(client: Y.Doc, count: number): Uint8Array[] {
	const updates: Uint8Array[] = [];
	client.on('update', (update: Uint8Array) => updates.push(update));
	const texts = unlockedTexts(client);
	let text = pick(texts);
	let cursor = Math.floor(random() * text.length);
	while (updates.length < count) {
		if (random() < 0.025) {
			text = pick(texts);
			cursor = Math.floor(random() * text.length);
		}
		if (random() < 0.1 && cursor > 0) text.delete(--cursor, 1);
		else text.insert(cursor++, pick('abcdefghijklmnopqrstuvwxyz    ,.'.split('')));
	}
	return updates;
}

const micros = (ms: number) => (ms * 1000).toFixed(2);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)];

/** Checks then applies every update in order, timing each step separately. */
function run(stored: Uint8Array, updates: Uint8Array[]) {
	const doc = loadServerDoc(stored);
	const guard = createUpdateGuard(doc, { allowedRoots: DOCUMENT_ROOTS });
	const check: number[] = [];
	const apply: number[] = [];
	let refused = 0;
	for (const update of updates) {
		const t0 = performance.now();
		const verdict = guard.check(update);
		const t1 = performance.now();
		Y.applyUpdate(doc, update);
		const t2 = performance.now();
		if (!verdict.ok) refused++;
		check.push(t1 - t0);
		apply.push(t2 - t1);
	}
	return { doc, check, apply, refused };
}

const json = synthesisedMou();
const stored = storedState(json);
const countWords = (node: PMNode): number =>
	(node.text ? node.text.split(/\s+/).filter(Boolean).length : 0) + (node.content ?? []).reduce((n, c) => n + countWords(c), 0);
console.log(`MOU: ${SECTIONS} sections, ${SECTIONS * CLAUSES_PER_SECTION} clauses (half locked), ${countWords(json)} words, ${stored.length} bytes of Yjs state`);

const builds: number[] = [];
let lockedItemCount = 0;
for (let i = 0; i < 10; i++) {
	const doc = loadServerDoc(stored);
	const t0 = performance.now();
	lockedItemCount = createUpdateGuard(doc, { allowedRoots: DOCUMENT_ROOTS }).lockedItemCount;
	builds.push(performance.now() - t0);
}
console.log(`lock index build: first ${builds[0].toFixed(2)} ms, mean of later ${mean(builds.slice(1)).toFixed(2)} ms; ${lockedItemCount} locked items`);

const client = new Y.Doc();
Y.applyUpdate(client, stored);
const updates = typingUpdates(client, KEYSTROKES);
console.log(`typing updates: ${updates.length} (mean ${mean(updates.map((u) => u.length)).toFixed(1)} bytes)`);

run(stored, updates); // warm-up: JIT both paths
const { doc, check, apply, refused } = run(stored, updates);
console.log(`guard.check per update:      mean ${micros(mean(check))} µs, p99 ${micros(p99(check))} µs (${refused} refused)`);
console.log(`Y.applyUpdate per update:    mean ${micros(mean(apply))} µs, p99 ${micros(p99(apply))} µs (no validation)`);
console.log(`check / apply:               ${(mean(check) / mean(apply)).toFixed(2)}x mean, ${(p99(check) / p99(apply)).toFixed(2)}x p99`);

// The rejected design: apply each update to a copy of the doc and inspect the result.
const copyCosts: number[] = [];
const state = Y.encodeStateAsUpdate(doc);
for (const update of updates.slice(0, 5)) {
	const t0 = performance.now();
	const copy = new Y.Doc({ gc: false });
	Y.applyUpdate(copy, state);
	Y.applyUpdate(copy, update);
	copyCosts.push(performance.now() - t0);
}
console.log(`apply-to-a-copy alternative: mean ${mean(copyCosts).toFixed(2)} ms per update over ${copyCosts.length} updates (before any inspection), ${(mean(copyCosts) / mean(check)).toFixed(0)}x the guard`);

// The shipped template, for comparison with the synthetic full-size MOU above.
const { initialDocumentUpdate, loadTemplate } = await import('../src/lib/server/templates');
const templateState = initialDocumentUpdate(loadTemplate());
const templateDoc = loadServerDoc(templateState);
const t0 = performance.now();
const templateGuard = createUpdateGuard(templateDoc, { allowedRoots: DOCUMENT_ROOTS });
console.log(`template sro-mou 2026.1: ${templateState.length} bytes of Yjs state, lock index ${(performance.now() - t0).toFixed(2)} ms, ${templateGuard.lockedItemCount} locked items`);
