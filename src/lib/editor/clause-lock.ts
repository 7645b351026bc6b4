import { Extension } from '@tiptap/core';
import { Fragment, Slice, type Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey, Selection, TextSelection, type EditorState, type Transaction } from '@tiptap/pm/state';
import {
	AddMarkStep,
	AddNodeMarkStep,
	AttrStep,
	DocAttrStep,
	RemoveMarkStep,
	RemoveNodeMarkStep,
	ReplaceAroundStep,
	ReplaceStep,
	type Step
} from '@tiptap/pm/transform';
import { ySyncPluginKey } from '@tiptap/y-tiptap';

/**
 * Keeps the editor from changing locked clauses, so a user is told at once instead of having
 * the server refuse the update (and the editor reload). The server stays the authority: this
 * only filters what this user does, never content arriving from Yjs.
 */

export interface LockedClause {
	pos: number;
	node: PMNode;
}

export interface ClauseLockOptions {
	/** Called when a change was refused because it touched this locked clause. */
	onBlocked: ((clause: PMNode) => void) | null;
}

export const clauseLockKey = new PluginKey('clauseLock');

function isLockedClause(node: PMNode): boolean {
	return node.type.name === 'clause' && node.attrs.locked === true;
}

/** Transactions y-tiptap makes to show Yjs content (remote, initial, undo/redo) are never filtered. */
export function isFromYjs(tr: Transaction): boolean {
	return tr.getMeta(ySyncPluginKey) !== undefined;
}

/** The locked clause containing `pos` strictly inside it (not at its edges), if any. */
export function lockedClauseAround(doc: PMNode, pos: number): LockedClause | null {
	const $pos = doc.resolve(pos);
	for (let depth = $pos.depth; depth > 0; depth--) {
		const node = $pos.node(depth);
		if (isLockedClause(node)) return { pos: $pos.before(depth), node };
	}
	return null;
}

/**
 * The first locked clause a change of [from, to] would touch: one overlapping the range, or, for
 * a pure insertion (from === to), one the insertion point lies inside.
 */
export function lockedClauseTouched(doc: PMNode, from: number, to: number): LockedClause | null {
	if (from >= to) return lockedClauseAround(doc, from);
	let found: LockedClause | null = null;
	doc.nodesBetween(from, to, (node, pos) => {
		if (found) return false;
		if (isLockedClause(node)) found = { pos, node };
		return !found;
	});
	return found;
}

/** Top-level locked clauses overlapping [from, to], in document order. */
function lockedClausesIn(doc: PMNode, from: number, to: number): LockedClause[] {
	const clauses: LockedClause[] = [];
	doc.nodesBetween(from, to, (node, pos) => {
		if (!isLockedClause(node)) return true;
		clauses.push({ pos, node });
		return false;
	});
	return clauses;
}

function sliceCreatesLockedClause(slice: Slice): boolean {
	let found = false;
	slice.content.descendants((node) => {
		if (isLockedClause(node)) found = true;
		return !found;
	});
	return found;
}

function stepViolation(step: Step, doc: PMNode): LockedClause | null {
	if (step instanceof ReplaceStep) {
		const touched = lockedClauseTouched(doc, step.from, step.to);
		if (touched) return touched;
		return sliceCreatesLockedClause(step.slice) ? { pos: step.from, node: firstLockedClause(step.slice)! } : null;
	}
	if (step instanceof ReplaceAroundStep) {
		// The gap's content is re-parented: in Yjs that is delete and re-insert, so any locked
		// clause in the whole range counts, as does one around it.
		const touched = lockedClauseTouched(doc, step.from, step.to);
		if (touched) return touched;
		return sliceCreatesLockedClause(step.slice) ? { pos: step.from, node: firstLockedClause(step.slice)! } : null;
	}
	if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) {
		return lockedClauseTouched(doc, step.from, step.to);
	}
	if (step instanceof AttrStep || step instanceof AddNodeMarkStep || step instanceof RemoveNodeMarkStep) {
		const node = doc.nodeAt(step.pos);
		return lockedClauseTouched(doc, step.pos, step.pos + (node?.nodeSize ?? 1));
	}
	if (step instanceof DocAttrStep) return null;
	// A step type we do not know: judge it by the ranges it replaces.
	let found: LockedClause | null = null;
	step.getMap().forEach((oldStart, oldEnd) => {
		found ??= lockedClauseTouched(doc, oldStart, oldEnd);
	});
	return found;
}

function firstLockedClause(slice: Slice): PMNode | null {
	let found: PMNode | null = null;
	slice.content.descendants((node) => {
		if (!found && isLockedClause(node)) found = node;
		return !found;
	});
	return found;
}

/** The locked clause a local transaction would change, or null when it leaves them all alone. */
export function findLockViolation(tr: Transaction): LockedClause | null {
	for (let i = 0; i < tr.steps.length; i++) {
		const violation = stepViolation(tr.steps[i], tr.docs[i]);
		if (violation) return violation;
	}
	return null;
}

/** Inserts nothing readable: what Backspace, Delete, cut and drag-away produce. */
function isDeletion(tr: Transaction): boolean {
	return tr.steps.every((step) => {
		if (!(step instanceof ReplaceStep)) return false;
		let content = false;
		step.slice.content.descendants((node) => {
			if (node.isInline) content = true;
			return !content;
		});
		return !content;
	});
}

/**
 * Deletes the selection except the locked clauses in it: each stretch between them goes,
 * the clauses stay. Null when there is nothing unlocked to delete or the result still
 * touches a locked clause.
 */
export function deleteAroundLockedClauses(state: EditorState): Transaction | null {
	const { from, to } = state.selection;
	if (from >= to) return null;
	const clauses = lockedClausesIn(state.doc, from, to);
	const gaps: [number, number][] = [];
	let start = from;
	for (const { pos, node } of clauses) {
		if (pos > start) gaps.push([start, pos]);
		start = Math.max(start, pos + node.nodeSize);
	}
	if (to > start) gaps.push([start, to]);
	if (gaps.length === 0) return null;
	const tr = state.tr;
	for (const [gapFrom, gapTo] of gaps.reverse()) tr.delete(gapFrom, gapTo);
	placeCaret(tr, tr.mapping.map(from, -1));
	if (!tr.docChanged || findLockViolation(tr)) return null;
	return tr.scrollIntoView();
}

/**
 * Puts the caret where the deletion began. When only locked clauses are left around that point
 * (select all, Delete), an empty paragraph is added there so that the user can go on typing.
 */
function placeCaret(tr: Transaction, pos: number): void {
	const $pos = tr.doc.resolve(pos);
	if ($pos.parent.inlineContent && !lockedClauseAround(tr.doc, pos)) {
		tr.setSelection(TextSelection.create(tr.doc, pos));
		return;
	}
	const paragraph = tr.doc.type.schema.nodes.paragraph;
	const index = $pos.index();
	if (!$pos.parent.inlineContent && !lockedClauseAround(tr.doc, pos) && $pos.parent.canReplaceWith(index, index, paragraph)) {
		tr.insert(pos, paragraph.create());
		tr.setSelection(TextSelection.create(tr.doc, pos + 1));
		return;
	}
	tr.setSelection(Selection.near(tr.doc.resolve(pos)));
}

/**
 * A pasted copy of a clause becomes an ordinary added clause: only the template gives a clause its
 * identity (id, level, NASRO standards, lock), and the server refuses any other that claims one.
 */
function unlockPasted(fragment: Fragment): Fragment {
	const nodes: PMNode[] = [];
	fragment.forEach((node) => {
		const content = unlockPasted(node.content);
		if (node.type.name === 'clause') {
			nodes.push(node.type.create({ ...node.attrs, clauseId: null, level: 'custom', nasro: '', locked: false }, content, node.marks));
		} else {
			nodes.push(node.isText || node.isLeaf ? node : node.copy(content));
		}
	});
	return Fragment.from(nodes);
}

export const ClauseLock = Extension.create<ClauseLockOptions>({
	name: 'clauseLock',

	addOptions() {
		return { onBlocked: null };
	},

	/** A deletion spanning locked clauses becomes a deletion of what lies around them. */
	dispatchTransaction({ transaction, next }) {
		const state = this.editor.state;
		if (!isFromYjs(transaction) && transaction.docChanged && transaction.before === state.doc && isDeletion(transaction) && findLockViolation(transaction)) {
			const around = deleteAroundLockedClauses(state);
			if (around) {
				next(around);
				return;
			}
		}
		next(transaction);
	},

	addProseMirrorPlugins() {
		const options = this.options;
		return [
			new Plugin({
				key: clauseLockKey,
				filterTransaction(tr) {
					if (!tr.docChanged || isFromYjs(tr)) return true;
					const violation = findLockViolation(tr);
					if (violation) options.onBlocked?.(violation.node);
					return violation === null;
				},
				props: {
					transformPasted(slice) {
						return new Slice(unlockPasted(slice.content), slice.openStart, slice.openEnd);
					}
				}
			})
		];
	}
});
