/**
 * The documents the collaboration benchmark works on: the real template's first draft, and the
 * same draft after 10,000 edits of negotiation.
 */
import * as Y from 'yjs';
import { initialDocumentUpdate, loadTemplate } from '../src/lib/server/templates';

export function templateUpdate(): Uint8Array {
	return initialDocumentUpdate(loadTemplate());
}

/** Text nodes of clauses nobody has locked: where counsel type. */
export function editableTexts(doc: Y.Doc): Y.XmlText[] {
	const texts: Y.XmlText[] = [];
	const visit = (node: Y.XmlElement | Y.XmlFragment, insideLocked: boolean) => {
		for (const child of node.toArray()) {
			if (child instanceof Y.XmlText) {
				if (!insideLocked && node instanceof Y.XmlElement && node.nodeName === 'paragraph') texts.push(child);
			} else if (child instanceof Y.XmlElement) {
				const locked = insideLocked || (child.nodeName === 'clause' && (child.getAttribute('locked') as unknown) === true);
				visit(child, locked);
			}
		}
	};
	visit(doc.getXmlFragment('body'), false);
	return texts;
}

// Deterministic pseudo-random numbers, so every run edits the same way.
function randomFrom(seed: number) {
	let state = seed;
	return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const PHRASES = [
	'the School Resource Officer shall ',
	'in consultation with the principal ',
	'no later than thirty days after ',
	'except where state law requires otherwise, ',
	'the District shall provide ',
	'records of such incidents ',
	'subject to the annual review ',
	'as agreed by both parties '
];

export interface HistoryDocument {
	/** Everything up to the last `tail` edits, merged, as a compacted checkpoint holds it. */
	checkpoint: Uint8Array;
	/** The last edits as single log rows, as they wait for the next compaction. */
	tail: Uint8Array[];
	/** The whole document as one update (what a client receives when it opens the MOU). */
	state: Uint8Array;
	/** Yjs items (structs) the document holds, deleted ones included. */
	items: number;
}

/**
 * The template after `edits` edits by counsel of both sides, each edit one transaction as the
 * editor sends it: sittings of typing at a place in an unlocked clause (a keystroke per edit,
 * with the odd backspace), some starting by selecting and deleting a passage, some adding a
 * paragraph. The sides take turns. No GC: deleted text stays as history, as on the server.
 */
export function negotiatedDocument(edits: number, style: 'sittings' | 'scattered' = 'sittings', tail = 100): HistoryDocument {
	const random = randomFrom(2026);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
	const sides = [new Y.Doc({ gc: false }), new Y.Doc({ gc: false })];
	const initial = templateUpdate();
	for (const doc of sides) Y.applyUpdate(doc, initial);
	const log: Uint8Array[] = [];
	let side = 0;
	const edit = (change: (doc: Y.Doc) => void) => {
		const doc = sides[side];
		let update: Uint8Array | null = null;
		const capture = (u: Uint8Array) => (update = u);
		doc.on('update', capture);
		change(doc);
		doc.off('update', capture);
		if (!update) return;
		log.push(update);
		Y.applyUpdate(sides[1 - side], update);
	};
	while (log.length < edits && style === 'scattered') {
		// The worst case for memory: every edit a word typed in, or a passage deleted, somewhere else.
		if (log.length % 50 === 0) side = 1 - side;
		const text = pick(editableTexts(sides[side]));
		if (random() < 0.7 || text.length < 20) edit(() => text.insert(Math.floor(random() * (text.length + 1)), pick(PHRASES).split(' ')[0] + ' '));
		else {
			const length = 1 + Math.floor(random() * 12);
			edit(() => text.delete(Math.floor(random() * (text.length - length)), length));
		}
	}
	while (log.length < edits) {
		if (random() < 0.2) side = 1 - side; // the other party's turn
		const texts = editableTexts(sides[side]);
		let text = pick(texts);
		if (random() < 0.1) {
			// A new paragraph after this one, typed into below.
			const paragraph = text.parent as Y.XmlElement;
			const holder = paragraph.parent as Y.XmlElement;
			const index = holder.toArray().indexOf(paragraph);
			edit(() => holder.insert(index + 1, [new Y.XmlElement('paragraph')]));
			const added = holder.get(index + 1) as Y.XmlElement;
			edit(() => added.insert(0, [new Y.XmlText()]));
			text = added.get(0) as Y.XmlText;
		}
		let position = Math.floor(random() * (text.length + 1));
		if (random() < 0.15 && text.length > 40) {
			// Select a passage and delete it, then type the replacement there.
			const length = 3 + Math.floor(random() * 37);
			position = Math.min(position, text.length - length);
			edit(() => text.delete(position, length));
		}
		const phrase = pick(PHRASES) + (random() < 0.5 ? pick(PHRASES) : '');
		for (const char of phrase) {
			if (log.length >= edits) break;
			if (random() < 0.06 && position > 0) {
				edit(() => text.delete(--position, 1)); // a typo corrected
				continue;
			}
			edit(() => text.insert(position++, char));
		}
	}
	const state = Y.encodeStateAsUpdate(sides[0]);
	let items = 0;
	for (const structs of sides[0].store.clients.values()) items += structs.length;
	const cut = Math.max(0, log.length - tail);
	return { checkpoint: Y.mergeUpdates([initial, ...log.slice(0, cut)]), tail: log.slice(cut), state, items };
}
