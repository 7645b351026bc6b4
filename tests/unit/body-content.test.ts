import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Node } from '@tiptap/pm/model';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { documentSchema } from '../../src/lib/editor/schema';
import { bodyShape } from '../../src/lib/server/collab/admission/body-shape';
import type { AdmissionState, ProposedChange } from '../../src/lib/server/collab/admission';

// The body-shape check re-matches a node's children as y-tiptap builds them after the update: in
// the order Yjs integrates concurrent inserts (client ids decide ties) and without the deleted
// ones. Judged against Yjs itself: concurrent edits of a list item (`paragraph block*`), its list
// and its clause are refused exactly when the document they leave is one ProseMirror rejects.

function seeded(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state * 1664525 + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
}

const paragraph = (words: string) => {
	const node = new Y.XmlElement('paragraph');
	node.insert(0, [new Y.XmlText(words)]);
	return node;
};
const list = (...items: Y.XmlElement[]) => {
	const node = new Y.XmlElement('bulletList');
	node.insert(0, items);
	return node;
};
const listItem = (...children: Y.XmlElement[]) => {
	const node = new Y.XmlElement('listItem');
	node.insert(0, children);
	return node;
};

function baseDoc(): Y.Doc {
	const doc = new Y.Doc({ gc: false });
	const clause = new Y.XmlElement('clause');
	clause.insert(0, [paragraph('Opening.'), list(listItem(paragraph('First duty.'), list(listItem(paragraph('Nested.')))), listItem(paragraph('Second.')))]);
	doc.getXmlFragment('body').insert(0, [clause]);
	return doc;
}

/** What ProseMirror makes of the document's body: null when valid, else why not. */
function invalidity(doc: Y.Doc): string | null {
	try {
		Node.fromJSON(documentSchema, yXmlFragmentToProsemirrorJSON(doc.getXmlFragment('body'))).check();
		return null;
	} catch (error) {
		return String(error);
	}
}

function judge(doc: Y.Doc, bytes: Uint8Array): string | null {
	const change: ProposedChange = {
		intake: { bytes, decoded: Y.decodeUpdate(bytes), touched: [], writing: [] },
		author: { kind: 'server', actorId: 'test' },
		candidate: { bytes, staged: null }
	};
	return bodyShape(change, { doc, stagedBytes: 0 } as AdmissionState)?.reason ?? null;
}

/** One random edit of the clause, its list or a list item: an insert anywhere, or a delete. */
function randomEdit(doc: Y.Doc, random: () => number): void {
	const clause = doc.getXmlFragment('body').get(0) as Y.XmlElement;
	const lists = [clause, ...clause.toArray()].flatMap(function all(node): Y.XmlElement[] {
		return node instanceof Y.XmlElement && node !== clause ? [node, ...node.toArray().flatMap(all)] : [];
	});
	const parents = [clause, ...lists.filter((node) => node.nodeName === 'listItem' || node.nodeName === 'bulletList')];
	const parent = parents[Math.floor(random() * parents.length)];
	const at = Math.floor(random() * (parent.length + 1));
	if (random() < 0.45 && parent.length > 0) parent.delete(Math.min(at, parent.length - 1), 1);
	else if (parent.nodeName === 'bulletList') parent.insert(at, [listItem(random() < 0.7 ? paragraph('Item.') : list(listItem(paragraph('Deep.'))))]);
	else parent.insert(at, [random() < 0.5 ? paragraph('Words.') : list(listItem(paragraph('Listed.')))]);
}

describe('the children a node is left with, as Yjs integrates concurrent edits', () => {
	it('refuses exactly the concurrent edits that leave a node ProseMirror rejects', () => {
		let refused = 0;
		let admitted = 0;
		for (let seed = 1; seed <= 500; seed++) {
			const random = seeded(seed);
			const server = baseDoc();
			const forks = [0, 1, 2, 3].map(() => {
				const fork = new Y.Doc({ gc: false });
				fork.clientID = 1 + Math.floor(random() * 1000);
				Y.applyUpdate(fork, Y.encodeStateAsUpdate(server));
				return fork;
			});
			const updates = forks.map((fork) => {
				const before = Y.encodeStateVector(fork);
				const edits = 1 + Math.floor(random() * 3);
				for (let i = 0; i < edits; i++) fork.transact(() => randomEdit(fork, random));
				return Y.encodeStateAsUpdate(fork, before);
			});
			for (const update of updates) {
				const after = new Y.Doc({ gc: false });
				Y.applyUpdate(after, Y.encodeStateAsUpdate(server));
				Y.applyUpdate(after, update);
				const truth = invalidity(after);
				const verdict = judge(server, update);
				expect({ seed, refused: verdict !== null, truth }).toEqual({ seed, refused: truth !== null, truth });
				if (verdict === null) {
					Y.applyUpdate(server, update);
					admitted++;
				} else refused++;
			}
		}
		expect(refused).toBeGreaterThan(30);
		expect(admitted).toBeGreaterThan(300);
	}, 60_000);
});

/** An update adding `count` paragraphs at the end of the clause, each under its own client and after the one before (Yjs integrates them one by one, highest client first). */
function chainUpdate(doc: Y.Doc, count: number, last: () => Y.XmlElement = () => paragraph('P.')): Uint8Array {
	const copy = new Y.Doc({ gc: false });
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	const clause = copy.getXmlFragment('body').get(0) as Y.XmlElement;
	const before = Y.encodeStateVector(copy);
	copy.transact(() => {
		for (let i = 1; i <= count; i++) {
			copy.clientID = i;
			clause.insert(clause.length, [i === count ? last() : paragraph('P.')]);
		}
	});
	return Y.encodeStateAsUpdate(copy, before);
}

describe('a chain of inserts under as many clients (each integrated once: bench/body-shape.bench.ts shows its cost)', () => {
	it('judges 20,000 paragraphs each after the one before, each under its own client', () => {
		const doc = baseDoc();
		expect(judge(doc, chainUpdate(doc, 20_000))).toBeNull();
		const wrong = () => {
			const item = new Y.XmlElement('listItem');
			item.insert(0, [paragraph('Loose.')]);
			return item;
		};
		expect(judge(doc, chainUpdate(doc, 20_000, wrong))).toMatch(/listItem/);
	}, 60_000);
});
