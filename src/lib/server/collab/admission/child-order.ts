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
 * Each new item is integrated once, its neighbours first when they are new too (as Yjs's
 * integrateStructs does), and every neighbour is found through a per-client index: a crafted
 * update of many items each waiting on the next costs about n log n, not n³.
 */
export function visibleChildren(type: Y.AbstractType<unknown> | null, added: readonly Y.Item[], gone: Gone | null): string[] {
	const list = new SlotList();
	for (let item = type?._start ?? null; item !== null; item = item.right) list.append(item);
	const pending = new ClientIndex<Y.Item>();
	for (const item of added) pending.add(item);
	const done = new Set<Y.Item>(); // integrated, or never will be (a neighbour missing)
	for (const first of added) {
		const stack: Y.Item[] = [first];
		const onStack = new Set<Y.Item>(stack);
		while (stack.length > 0) {
			const item = stack[stack.length - 1];
			if (done.has(item)) {
				onStack.delete(stack.pop()!);
				continue;
			}
			const missing = neededFirst(list, pending, done, item);
			if (missing !== null && !onStack.has(missing)) {
				stack.push(missing);
				onStack.add(missing);
				continue;
			}
			onStack.delete(stack.pop()!);
			done.add(item);
			if (missing === null) integrate(list, item);
		}
	}
	const names: string[] = [];
	for (let node = list.head; node !== null; node = node.next) {
		const name = nodeOf(node.slot, gone);
		if (name !== null) names.push(name);
	}
	return names;
}

/** A new item a neighbour of `item` is in that must be integrated first, or null (none, or never: then integrate refuses it). */
function neededFirst(list: SlotList, pending: ClientIndex<Y.Item>, done: Set<Y.Item>, item: Y.Item): Y.Item | null {
	for (const id of [item.origin, item.rightOrigin]) {
		if (id === null || list.find(id) !== null) continue;
		const holder = pending.find(id);
		if (holder !== null && !done.has(holder)) return holder;
	}
	return null;
}

const sameId = (a: Y.ID | null, b: Y.ID | null) => a === b || (a !== null && b !== null && a.client === b.client && a.clock === b.clock);

/** Slots (or items) per client, in clock order: which one holds a given id, by binary search. */
class ClientIndex<T extends { id: Y.ID; length: number }> {
	private readonly clients = new Map<number, T[]>();

	add(entry: T): void {
		const { client, clock } = entry.id;
		const entries = this.clients.get(client);
		if (entries === undefined) return void this.clients.set(client, [entry]);
		const at = this.before(entries, clock) + 1;
		if (at === entries.length) entries.push(entry);
		else entries.splice(at, 0, entry);
	}

	find(id: Y.ID): T | null {
		const entries = this.clients.get(id.client);
		if (entries === undefined) return null;
		const i = this.before(entries, id.clock);
		return i >= 0 && id.clock < entries[i].id.clock + entries[i].length ? entries[i] : null;
	}

	/** The last entry starting at or before `clock` (-1: none). */
	private before(entries: readonly T[], clock: number): number {
		let low = 0;
		let high = entries.length;
		while (low < high) {
			const mid = (low + high) >>> 1;
			if (entries[mid].id.clock <= clock) low = mid + 1;
			else high = mid;
		}
		return low - 1;
	}
}

/** A node of the list: a slot with its neighbours (and its id and length, for the index). */
interface ListNode {
	slot: Slot;
	id: Y.ID;
	length: number;
	prev: ListNode | null;
	next: ListNode | null;
}

/** A parent's list as Yjs holds it: linked slots, found by id through a per-client index. */
class SlotList {
	head: ListNode | null = null;
	private tail: ListNode | null = null;
	private readonly index = new ClientIndex<ListNode>();

	find(id: Y.ID): ListNode | null {
		return this.index.find(id);
	}

	append(slot: Slot): void {
		this.insertAfter(this.tail, slot);
	}

	/** Puts a slot after `left` (null: first). */
	insertAfter(left: ListNode | null, slot: Slot): ListNode {
		const right = left === null ? this.head : left.next;
		const node: ListNode = { slot, id: slot.id, length: slot.length, prev: left, next: right };
		if (left === null) this.head = node;
		else left.next = node;
		if (right === null) this.tail = node;
		else right.prev = node;
		this.index.add(node);
		return node;
	}

	/** Splits the slot holding `clock` so that one starts there (as Yjs splits an item; the item itself is left as it is). */
	splitAt(client: number, clock: number): boolean {
		const node = this.find(Y.createID(client, clock));
		if (node === null) return false;
		const { id, length, origin, rightOrigin } = node.slot;
		if (clock > id.clock) {
			node.slot = { id, length: clock - id.clock, origin, rightOrigin };
			node.length = clock - id.clock;
			this.insertAfter(node, { id: Y.createID(client, clock), length: id.clock + length - clock, origin: Y.createID(client, clock - 1), rightOrigin });
		}
		return true;
	}
}

/** Yjs's Item.integrate (YATA) on the slots: where an item lands among concurrent ones. False: a neighbour is not in yet. */
function integrate(list: SlotList, item: Y.Item): boolean {
	if (item.origin) {
		if (list.find(item.origin) === null) return false;
		list.splitAt(item.origin.client, item.origin.clock + 1); // the slot ends at the origin
	}
	if (item.rightOrigin && !list.splitAt(item.rightOrigin.client, item.rightOrigin.clock)) return false;
	const left = item.origin ? list.find(item.origin) : null;
	const right = item.rightOrigin ? list.find(item.rightOrigin) : null;
	let at = left;
	const first = left === null ? list.head : left.next;
	if (first !== right) {
		const conflicting = new Set<ListNode>();
		const beforeOrigin = new Set<ListNode>();
		for (let other = first; other !== null && other !== right; other = other.next) {
			beforeOrigin.add(other);
			conflicting.add(other);
			const { origin } = other.slot;
			if (sameId(item.origin, origin)) {
				if (other.id.client < item.id.client) {
					at = other;
					conflicting.clear();
				} else if (sameId(item.rightOrigin, other.slot.rightOrigin)) break;
			} else if (origin !== null && beforeOrigin.has(list.find(origin)!)) {
				if (!conflicting.has(list.find(origin)!)) {
					at = other;
					conflicting.clear();
				}
			} else break;
		}
	}
	list.insertAfter(at, item);
	return true;
}
