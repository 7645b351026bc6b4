/**
 * What judging tracked changes costs while an MOU is negotiated: each update is applied to the
 * shadow copy and the touched paragraphs are walked (collab/tracked), next to what applying the
 * update to the room's document costs anyway. Also the time to build the shadow (paid when a
 * negotiated room loads and after a refused update; other instances' edits are caught up by diff).
 * Run: npx tsx bench/tracked-changes.bench.ts
 */
import * as Y from 'yjs';
import { ShadowDocument } from '../src/lib/server/collab/tracked/shadow';
import type { Writer } from '../src/lib/server/collab/tracked/rules';
import { loadServerDoc, pick, random, storedState, synthesisedMou, unlockedTexts } from './synthetic-mou';

const KEYSTROKES = 3000;
const WRITER: Writer = { userId: '11111111-1111-4111-8111-111111111111', side: 'agency', ownsClient: () => true };

/** Agency counsel typing suggestions: runs of marked keystrokes, backspaces inside them, new places now and then. */
function suggestionUpdates(client: Y.Doc, count: number): Uint8Array[] {
	const updates: Uint8Array[] = [];
	client.on('update', (update: Uint8Array) => updates.push(update));
	const texts = unlockedTexts(client);
	let run = 0;
	let text = pick(texts);
	let cursor = Math.floor(random() * text.length);
	let typed = 0;
	const mark = () => ({ id: `s${run}`, party: 'agency', authorId: WRITER.userId, authorName: 'Dana Whitfield', at: '2027-02-14T10:00:00.000Z' });
	while (updates.length < count) {
		if (random() < 0.025) {
			run++;
			text = pick(texts);
			cursor = Math.floor(random() * text.length);
			typed = 0;
		}
		if (random() < 0.1 && typed > 0) {
			text.delete(--cursor, 1); // fixing a typo inside one's own insertion
			typed--;
		} else {
			text.insert(cursor++, pick('abcdefghijklmnopqrstuvwxyz    ,.'.split('')), { insertion: mark() });
			typed++;
		}
	}
	return updates;
}

const micros = (ms: number) => (ms * 1000).toFixed(1);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)];

function run(stored: Uint8Array, updates: Uint8Array[]) {
	const doc = loadServerDoc(stored);
	const shadow = new ShadowDocument(doc, () => null);
	const check: number[] = [];
	const apply: number[] = [];
	let refused = 0;
	for (const update of updates) {
		const t0 = performance.now();
		if (shadow.check(update, WRITER) !== null) refused++;
		const t1 = performance.now();
		Y.applyUpdate(doc, update);
		check.push(t1 - t0);
		apply.push(performance.now() - t1);
	}
	return { doc, shadow, check, apply, refused };
}

const stored = storedState(synthesisedMou());
const client = new Y.Doc();
Y.applyUpdate(client, stored);
const updates = suggestionUpdates(client, KEYSTROKES);
console.log(
	`full-size MOU: ${stored.length} bytes of Yjs state; ${updates.length} suggestion keystrokes (mean ${mean(updates.map((u) => u.length)).toFixed(1)} bytes)`
);

run(stored, updates); // warm-up
const { doc, check, apply, refused } = run(stored, updates);
console.log(`tracked check per update (shadow apply + rules): mean ${micros(mean(check))} µs, p99 ${micros(p99(check))} µs (${refused} refused)`);
console.log(`Y.applyUpdate to the room document:              mean ${micros(mean(apply))} µs, p99 ${micros(p99(apply))} µs`);
console.log(`tracked check / apply:                           ${(mean(check) / mean(apply)).toFixed(2)}x mean`);

const rebuilds: number[] = [];
for (let i = 0; i < 5; i++) {
	const fresh = new ShadowDocument(doc, () => null);
	const t0 = performance.now();
	fresh.check(updates[0], WRITER); // the first check builds the copy
	rebuilds.push(performance.now() - t0);
	fresh.discard();
}
console.log(`shadow build (the first check after the room loads or after a refusal): mean ${mean(rebuilds).toFixed(1)} ms`);
