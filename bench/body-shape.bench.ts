/**
 * The body-shape check alone (admission/body-shape.ts), on the template document: what it costs
 * a keystroke (one character typed), a formatted keystroke, a Backspace, an Enter (a new
 * paragraph) and a clause added at the end of the body, each judged against the document as it stands, many times over (best of three passes).
 *
 * Then a crafted update of K paragraphs at the end of the clause, each under its own client id
 * and after the one before (Yjs lists higher clients first, so each waits on the next): one
 * judgement each, K = 1,000 … 30,000 (30,000 is about the 1 MB message limit).
 *
 * Run: npx tsx bench/body-shape.bench.ts [--runs 20000] [--paragraphs 0]
 *   --paragraphs N: the clause typed in holds N more paragraphs first (what an Enter walks).
 */
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { templateUpdate, editableTexts } from './collab-load-doc';
import { bodyShape } from '../src/lib/server/collab/admission/body-shape';
import type { AdmissionState, ProposedChange } from '../src/lib/server/collab/admission';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '20000' }, paragraphs: { type: 'string', default: '0' } } });
const RUNS = Number(args.runs);

const doc = new Y.Doc({ gc: false });
Y.applyUpdate(doc, templateUpdate());
const text = editableTexts(doc).at(-1)!;
const clause = text.parent!.parent as Y.XmlElement;
doc.transact(() => {
	for (let i = 0; i < Number(args.paragraphs); i++) clause.insert(clause.length, [paragraphOf('More.')]);
});

/** The update an edit makes on a copy of the document (the document itself stays as it is). */
function updateOf(edit: (copy: Y.Doc) => void): Uint8Array {
	const copy = new Y.Doc({ gc: false });
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	const before = Y.encodeStateVector(copy);
	edit(copy);
	return Y.encodeStateAsUpdate(copy, before);
}
const lastText = (copy: Y.Doc) => editableTexts(copy).at(-1)!;
const EDITS: Record<string, (copy: Y.Doc) => void> = {
	keystroke: (copy) => lastText(copy).insert(lastText(copy).length, 'a'),
	'bold keystroke': (copy) => lastText(copy).insert(lastText(copy).length, 'a', { bold: {} }),
	backspace: (copy) => lastText(copy).delete(lastText(copy).length - 1, 1),
	'add clause': (copy) => {
		const clause = new Y.XmlElement('clause');
		clause.insert(0, [paragraphOf('Agreed.')]);
		copy.getXmlFragment('body').insert(copy.getXmlFragment('body').length, [clause]);
	},
	enter: (copy) => {
		const there = lastText(copy).parent!.parent as Y.XmlElement;
		there.insert(there.length, [paragraphOf('a')]);
	}
};

function paragraphOf(words: string): Y.XmlElement {
	const paragraph = new Y.XmlElement('paragraph');
	paragraph.insert(0, [new Y.XmlText(words)]);
	return paragraph;
}

const state = { doc, stagedBytes: 0 } as AdmissionState;
const best = new Map<string, number>();
for (let pass = 0; pass < 3; pass++)
	for (const [what, edit] of Object.entries(EDITS)) {
		const bytes = updateOf(edit);
		const change = (): ProposedChange => ({
			intake: { bytes, decoded: Y.decodeUpdate(bytes), touched: [], writing: [] },
			author: { kind: 'server', actorId: 'bench' },
			candidate: { bytes, staged: null }
		});
		const changes = Array.from({ length: RUNS }, change);
		if (bodyShape(changes[0], state) !== null) throw new Error(`${what} is refused`);
		for (let i = 1; i < RUNS / 4; i++) bodyShape(changes[i], state); // warm-up
		const start = process.hrtime.bigint();
		for (let i = 0; i < RUNS; i++) bodyShape(changes[i], state);
		const ns = Number(process.hrtime.bigint() - start) / RUNS;
		best.set(what, Math.min(best.get(what) ?? Infinity, ns));
	}
for (const [what, ns] of best) console.log(`${what}: ${(ns / 1000).toFixed(2)} µs per update, best of 3 (${clause.length} blocks in the clause)`);

/** The crafted chain: K paragraphs, each under its own client id, each after the one before. */
function chainOf(K: number): Uint8Array {
	return updateOf((copy) => {
		const there = lastText(copy).parent!.parent as Y.XmlElement;
		copy.transact(() => {
			for (let i = 1; i <= K; i++) {
				copy.clientID = i;
				there.insert(there.length, [paragraphOf('P.')]);
			}
		});
	});
}
for (const K of [1000, 2000, 5000, 10000, 20000, 30000]) {
	const bytes = chainOf(K);
	const change: ProposedChange = {
		intake: { bytes, decoded: Y.decodeUpdate(bytes), touched: [], writing: [] },
		author: { kind: 'server', actorId: 'bench' },
		candidate: { bytes, staged: null }
	};
	const start = process.hrtime.bigint();
	const refused = bodyShape(change, state);
	const ms = Number(process.hrtime.bigint() - start) / 1e6;
	console.log(`chain of ${K} clients (${(bytes.length / 1024).toFixed(0)} KB): ${ms.toFixed(0)} ms${refused ? ' (refused!)' : ''}`);
}
