import * as Y from 'yjs';

/**
 * The children of a node as y-tiptap builds them once an update is in: the node's integrated list
 * with the update's items laid in where Yjs integrates them (its YATA rule: concurrent inserts at
 * one place are ordered by client id), without what is deleted. Only an update that adds or
 * deletes an element or text asks for it (body-content.ts).
 */

/** Whether an item is deleted once the update is in (by it, or by what is staged before it). */
export type Gone = (id: Y.ID) => boolean;

/**
 * One place in a parent's list as Yjs holds it: an item (integrated or the update's), or a piece
 * of one that a split left (only items longer than one, deleted content or characters: no node).
 */
type Slot = Y.Item | Piece;
interface Piece {
	id: Y.ID;
	length: number;
	origin: Y.ID | null;
	rightOrigin: Y.ID | null;
}

/** The node a slot stands for once built (an element's name, 'text'), or null when it is none. */
function nodeOf(slot: Slot, gone: Gone | null): string | null {
	if (!(slot instanceof Y.Item) || slot.deleted || gone?.(slot.id)) return null;
	const content = slot.content;
	if (content instanceof Y.ContentDeleted) return null;
	if (!(content instanceof Y.ContentType)) return '?';
	return content.type instanceof Y.XmlText ? 'text' : content.type instanceof Y.XmlElement ? content.type.nodeName : '?';
}

/**
 * The node names y-tiptap builds for the children: the integrated list, with the new items
 * integrated as Yjs would. `gone` null: nothing is deleted by the update or before it.
 */
export function visibleChildren(type: Y.AbstractType<unknown> | null, added: readonly Y.Item[], gone: Gone | null): string[] {
	const list: Slot[] = [];
	for (let item = type?._start ?? null; item !== null; item = item.right) list.push(item);
	let waiting: readonly Y.Item[] = added;
	// An item integrates once its neighbours are in (an update lists clients in any order).
	for (let progress = true; progress && waiting.length > 0;) {
		const before = waiting.length;
		waiting = waiting.filter((item) => !integrate(list, item));
		progress = waiting.length < before;
	}
	const names: string[] = [];
	for (const slot of list) {
		const node = nodeOf(slot, gone);
		if (node !== null) names.push(node);
	}
	return names;
}

const sameId = (a: Y.ID | null, b: Y.ID | null) => a === b || (a !== null && b !== null && a.client === b.client && a.clock === b.clock);

function find(list: readonly Slot[], id: Y.ID): number {
	for (let i = 0; i < list.length; i++) {
		const slot = list[i].id;
		if (slot.client === id.client && slot.clock <= id.clock && id.clock < slot.clock + list[i].length) return i;
	}
	return -1;
}

/** Splits the slot holding `clock` so that one starts there (as Yjs splits an item; the item itself is left as it is). */
function splitAt(list: Slot[], client: number, clock: number): boolean {
	const i = find(list, Y.createID(client, clock));
	if (i < 0) return false;
	const { id, length, origin, rightOrigin } = list[i];
	if (clock > id.clock) {
		const left: Piece = { id, length: clock - id.clock, origin, rightOrigin };
		const right: Piece = { id: Y.createID(client, clock), length: id.clock + length - clock, origin: Y.createID(client, clock - 1), rightOrigin };
		list.splice(i, 1, left, right);
	}
	return true;
}

/** Yjs's Item.integrate (YATA) on the slots: where an item lands among concurrent ones. False: a neighbour is not in yet. */
function integrate(list: Slot[], item: Y.Item): boolean {
	if (item.origin) {
		if (find(list, item.origin) < 0) return false;
		splitAt(list, item.origin.client, item.origin.clock + 1); // the slot ends at the origin
	}
	if (item.rightOrigin && !splitAt(list, item.rightOrigin.client, item.rightOrigin.clock)) return false;
	const left = item.origin ? find(list, item.origin) : -1;
	const right = item.rightOrigin ? find(list, item.rightOrigin) : list.length;
	let at = left;
	if (left + 1 !== right) {
		const conflicting = new Set<Slot>();
		const beforeOrigin = new Set<Slot>();
		for (let o = left + 1; o < list.length && o !== right; o++) {
			const other = list[o];
			beforeOrigin.add(other);
			conflicting.add(other);
			if (sameId(item.origin, other.origin)) {
				if (other.id.client < item.id.client) {
					at = o;
					conflicting.clear();
				} else if (sameId(item.rightOrigin, other.rightOrigin)) break;
			} else if (other.origin !== null && beforeOrigin.has(list[find(list, other.origin)])) {
				if (!conflicting.has(list[find(list, other.origin)])) {
					at = o;
					conflicting.clear();
				}
			} else break;
		}
	}
	list.splice(at + 1, 0, item);
	return true;
}
