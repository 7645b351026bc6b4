import * as Y from 'yjs';
import type { Mark, Node as PMNode } from '@tiptap/pm/model';
import type { Transaction } from '@tiptap/pm/state';
import { AddMarkStep, RemoveMarkStep, ReplaceStep } from '@tiptap/pm/transform';

/**
 * Writes the text edits of a suggestion straight into the Yjs fragment, just before
 * y-prosemirror syncs the transaction. y-prosemirror diffs a paragraph's text as a plain string,
 * so text typed next to an equal character ("l" before "l", a space before a space) lands on the
 * wrong side of it: Yjs would hold a new character without the insertion mark and an old one
 * with it, which the server rightly refuses. Written here at the exact index, the later diff
 * finds nothing left to do. Stops at the first step it cannot place exactly (a split, say):
 * y-prosemirror handles the rest, which is exact for those (see structure.ts).
 * Returns the number of steps written.
 */
export function writeTextEdits(fragment: Y.XmlFragment, tr: Transaction): number {
	let written = 0;
	for (let i = 0; i < tr.steps.length; i++) {
		const step = tr.steps[i];
		// Formatting keeps text positions; y-prosemirror applies it by index, exactly.
		if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) continue;
		if (!(step instanceof ReplaceStep) || !writeReplace(fragment, tr.docs[i], step)) break;
		written++;
	}
	return written;
}

function writeReplace(fragment: Y.XmlFragment, doc: PMNode, step: ReplaceStep): boolean {
	const { slice } = step;
	if (slice.openStart !== 0 || slice.openEnd !== 0) return false;
	const inserts: { text: string; attrs: Record<string, unknown> }[] = [];
	let plain = true;
	slice.content.forEach((node) => {
		const attrs = node.isText ? attributes(node.marks) : null;
		if (!attrs) plain = false;
		else inserts.push({ text: node.text!, attrs });
	});
	if (!plain) return false;
	const start = locate(fragment, doc, step.from);
	const end = step.to === step.from ? start : locate(fragment, doc, step.to);
	if (!start || !end || start.text !== end.text) return false;
	if (end.index > start.index) start.text.delete(start.index, end.index - start.index);
	let index = start.index;
	for (const { text, attrs } of inserts) {
		start.text.insert(index, text, attrs);
		index += text.length;
	}
	return true;
}

/** The Yjs formatting y-prosemirror gives these marks; null for marks it stores under hashed names. */
function attributes(marks: readonly Mark[]): Record<string, unknown> | null {
	const attrs: Record<string, unknown> = {};
	for (const mark of marks) {
		if (!mark.type.excludes(mark.type)) return null;
		attrs[mark.type.name] = mark.attrs;
	}
	return attrs;
}

/**
 * The Y.XmlText and index a ProseMirror position in a textblock corresponds to. Each run of
 * text nodes is one XmlText, each inline node one element; null when the Yjs tree does not line
 * up with the document as expected (then nothing is written).
 */
export function locate(fragment: Y.XmlFragment, doc: PMNode, pos: number): { text: Y.XmlText; index: number } | null {
	const $pos = doc.resolve(pos);
	if (!$pos.parent.inlineContent) return null;
	let type: Y.XmlFragment | Y.XmlElement = fragment;
	for (let depth = 0; depth < $pos.depth; depth++) {
		if ($pos.index(depth) >= type.length) return null;
		const child = type.get($pos.index(depth));
		if (!(child instanceof Y.XmlElement) || child.nodeName !== $pos.node(depth + 1).type.name) return null;
		type = child;
	}
	const runs: { start: number; length: number; text: boolean }[] = [];
	$pos.parent.forEach((node, offset) => {
		const last = runs[runs.length - 1];
		if (node.isText && last?.text) last.length += node.nodeSize;
		else runs.push({ start: offset, length: node.nodeSize, text: node.isText });
	});
	if (runs.length !== type.length) return null;
	const offset = $pos.parentOffset;
	const at = runs.findIndex((run) => run.text && run.start <= offset && offset <= run.start + run.length);
	if (at < 0) return null;
	const text = type.get(at);
	if (!(text instanceof Y.XmlText) || text.length !== runs[at].length) return null;
	return { text, index: offset - runs[at].start };
}
