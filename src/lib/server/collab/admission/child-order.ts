import * as Y from 'yjs';

/**
 * The children of a node as y-tiptap builds them once an update is in: the node's integrated list
 * with the update's items laid in where Yjs integrates them (its YATA rule: concurrent inserts at
 * one place are ordered by client id), without what is deleted. Only an update that adds or
 * deletes an element or text asks for it (body-content.ts).
 */

/** Whether an item is deleted once the update is in (by it, or by what is staged before it). */
export type Gone = (id: Y.ID) => boolean;

/** One run of a parent's list as Yjs holds it: an item, or the part of one a split left. */
interface Run {
	client: number;
	clock: number;
	length: number;
	origin: Y.ID | null;
	rightOrigin: Y.ID | null;
	/** The node it stands for once built (an element's name, 'text'), or null when it is none (deleted content). */
	node: string | null;
}

function runOf(item: Y.Item, gone: Gone): Run {
	const content = item.content;
	let node: string | null = null;
	if (!item.deleted && !gone(item.id) && !(content instanceof Y.ContentDeleted)) {
		node =
			content instanceof Y.ContentType
				? content.type instanceof Y.XmlText
					? 'text'
					: content.type instanceof Y.XmlElement
						? content.type.nodeName
						: '?'
				: '?';
	}
	return { client: item.id.client, clock: item.id.clock, length: item.length, origin: item.origin, rightOrigin: item.rightOrigin, node };
}

/** The node names y-tiptap builds for the children: the integrated list, with the new items integrated as Yjs would. */
export function visibleChildren(type: Y.AbstractType<unknown> | null, added: readonly Y.Item[], gone: Gone): string[] {
	const list: Run[] = [];
	for (let item = type?._start ?? null; item !== null; item = item.right) list.push(runOf(item, gone));
	let waiting = added.map((item) => runOf(item, gone));
	// An item integrates once its neighbours are in (an update lists clients in any order).
	for (let progress = true; progress && waiting.length > 0;) {
		const before = waiting.length;
		waiting = waiting.filter((run) => !integrate(list, run));
		progress = waiting.length < before;
	}
	const names: string[] = [];
	for (const run of list) if (run.node !== null) names.push(run.node);
	return names;
}

const sameId = (a: Y.ID | null, b: Y.ID | null) => a === b || (a !== null && b !== null && a.client === b.client && a.clock === b.clock);

function find(list: Run[], id: Y.ID): number {
	return list.findIndex((run) => run.client === id.client && run.clock <= id.clock && id.clock < run.clock + run.length);
}

/** Splits the run holding `clock` so that a run starts there (as Yjs splits an item). */
function splitAt(list: Run[], client: number, clock: number): boolean {
	const i = find(list, Y.createID(client, clock));
	if (i < 0) return false;
	const run = list[i];
	if (clock > run.clock) {
		const right = { ...run, clock, length: run.clock + run.length - clock, origin: Y.createID(client, clock - 1) };
		run.length = clock - run.clock;
		list.splice(i + 1, 0, right);
	}
	return true;
}

/** Yjs's Item.integrate (YATA) on the runs: where an item lands among concurrent ones. False: a neighbour is not in yet. */
function integrate(list: Run[], run: Run): boolean {
	if (run.origin) {
		if (find(list, run.origin) < 0) return false;
		splitAt(list, run.origin.client, run.origin.clock + 1); // the run ends at the origin
	}
	if (run.rightOrigin && !splitAt(list, run.rightOrigin.client, run.rightOrigin.clock)) return false;
	const left = run.origin ? find(list, run.origin) : -1;
	const right = run.rightOrigin ? find(list, run.rightOrigin) : list.length;
	let at = left;
	const conflicting = new Set<Run>();
	const beforeOrigin = new Set<Run>();
	for (let o = left + 1; o < list.length && o !== right; o++) {
		const other = list[o];
		beforeOrigin.add(other);
		conflicting.add(other);
		if (sameId(run.origin, other.origin)) {
			if (other.client < run.client) {
				at = o;
				conflicting.clear();
			} else if (sameId(run.rightOrigin, other.rightOrigin)) break;
		} else if (other.origin !== null && beforeOrigin.has(list[find(list, other.origin)])) {
			if (!conflicting.has(list[find(list, other.origin)])) {
				at = o;
				conflicting.clear();
			}
		} else break;
	}
	list.splice(at + 1, 0, run);
	return true;
}
