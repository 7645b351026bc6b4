/**
 * What the update guard costs on a full-size MOU, next to what applying the update costs anyway.
 * Run: npx tsx bench/update-guard.bench.ts
 */
import * as Y from 'yjs';
import { DOCUMENT_ROOTS } from '../src/lib/editor/schema';
import { createUpdateGuard } from '../src/lib/server/collab/guard';
import { CLAUSES_PER_SECTION, SECTIONS, loadServerDoc, pick, random, storedState, synthesisedMou, unlockedTexts, type PMNode } from './synthetic-mou';

const KEYSTROKES = 3000;

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
console.log(
	`MOU: ${SECTIONS} sections, ${SECTIONS * CLAUSES_PER_SECTION} clauses (half locked), ${countWords(json)} words, ${stored.length} bytes of Yjs state`
);

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
console.log(
	`apply-to-a-copy alternative: mean ${mean(copyCosts).toFixed(2)} ms per update over ${copyCosts.length} updates (before any inspection), ${(mean(copyCosts) / mean(check)).toFixed(0)}x the guard`
);

// The shipped template, for comparison with the synthetic full-size MOU above.
const { initialDocumentUpdate, loadTemplate } = await import('../src/lib/server/templates');
const templateState = initialDocumentUpdate(loadTemplate());
const templateDoc = loadServerDoc(templateState);
const t0 = performance.now();
const templateGuard = createUpdateGuard(templateDoc, { allowedRoots: DOCUMENT_ROOTS });
console.log(
	`template sro-mou 2026.1: ${templateState.length} bytes of Yjs state, lock index ${(performance.now() - t0).toFixed(2)} ms, ${templateGuard.lockedItemCount} locked items`
);
