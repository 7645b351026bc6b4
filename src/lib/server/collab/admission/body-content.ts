import * as Y from 'yjs';
import { BODY_FIELD } from '../../../document';
import { documentSchema } from '../../../editor/schema';
import type { DecodedStruct } from '../guard';
import type { Placement, PlacementResolver } from '../guard/placement';
import { rootOf } from '../tracked/rules';
import type { ProposedChange } from './types';

/**
 * Each node's children in the order and number its content expression asks for (`listItem:
 * paragraph block*`, `table: tableRow+`, `clause: block+` …), and text formatted only with marks
 * its node allows. y-tiptap builds nodes unchecked (`schema.node`), so anything else would reach
 * every editor, the stored MOU and its exports as a document ProseMirror's own check rejects.
 * Typing (characters and formats inside a Y.XmlText) never changes which children a node has:
 * only an update that adds or deletes an element or a text has the nodes it touches re-matched,
 * on the children y-tiptap would build once the update is in (the visible ones, in Yjs order).
 */

type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];

/** A node whose children change: the item holding it (null for the body) and, when integrated, its type. */
interface Touched {
	name: string;
	holder: Y.Item | null;
	type: Y.AbstractType<unknown> | null;
}

/** The nodes an update touches, keyed by their item's id ('' for the body). */
export class TouchedNodes {
	readonly nodes = new Map<string, Touched>();

	/** A new element or text at `placement` (inside the body, in a node named `parent`); `item` holds it. */
	added(item: Y.Item, placement: Placement, parent: string, doc: Y.Doc): void {
		const holder = placement.parentItem;
		if (!this.nodes.has(keyOf(holder))) {
			const type = placement.parentIsNew ? null : (placement.parent ?? (doc.getXmlFragment(BODY_FIELD) as unknown as Y.AbstractType<unknown>));
			this.nodes.set(keyOf(holder), { name: parent, holder, type });
		}
		const content = item.content as Y.ContentType;
		if (content.type instanceof Y.XmlElement) this.nodes.set(keyOf(item), { name: content.type.nodeName, holder: item, type: null });
	}

	/** An integrated element or text that the update deletes. */
	private removed(item: Y.Item, doc: Y.Doc): void {
		const parent = item.parent as Y.AbstractType<unknown>;
		const holder = parent._item;
		if (this.nodes.has(keyOf(holder))) return;
		const name = parent instanceof Y.XmlElement ? parent.nodeName : holder === null && parent === doc.share.get(BODY_FIELD) ? topName : null;
		if (name !== null) this.nodes.set(keyOf(holder), { name, holder, type: parent });
	}

	/**
	 * The integrated elements and texts the update deletes (what a keystroke's deletions of
	 * characters never are). True when it also deletes what is not integrated yet (still staged).
	 */
	deletions(ds: DeleteSet, doc: Y.Doc): boolean {
		let pending = false;
		for (const [client, ranges] of ds.clients) {
			const state = Y.getState(doc.store, client);
			const structs = doc.store.clients.get(client);
			for (const { clock, len } of ranges) {
				if (clock + len > state) pending = true;
				if (structs === undefined || clock >= state) continue;
				for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i].id.clock < clock + len; i++) {
					const item = structs[i];
					if (item instanceof Y.Item && !item.deleted && item.parentSub === null && item.content instanceof Y.ContentType) this.removed(item, doc);
				}
			}
		}
		return pending;
	}
}

const topName = documentSchema.topNodeType.name;
const keyOf = (holder: Y.Item | null) => (holder === null ? '' : `${holder.id.client}:${holder.id.clock}`);

/** The first node the update leaves holding what its content expression does not allow, or null. */
export function contentProblem(
	change: ProposedChange,
	doc: Y.Doc,
	touched: TouchedNodes,
	pendingDeletes: boolean,
	placements: () => PlacementResolver
): string | null {
	if (touched.nodes.size === 0 && !pendingDeletes) return null;
	const resolver = placements();
	const { items, ds } = pendingOf(change, resolver);
	const children = new Map<string, Y.Item[]>();
	for (const item of items) {
		const placement = resolver.placementOf(item);
		if (placement === null || placement.parentSub !== null || resolver.rootOf(placement) !== BODY_FIELD) continue;
		const key = keyOf(placement.parentItem);
		const list = children.get(key);
		if (list) list.push(item);
		else children.set(key, [item]);
		if (pendingDeletes && item.content instanceof Y.ContentType && deletes(ds, item.id)) {
			const parent = placement.parentItem === null ? topName : placement.parent instanceof Y.XmlElement ? placement.parent.nodeName : null;
			if (parent !== null) touched.added(item, placement, parent, doc);
		}
	}
	for (const [key, node] of touched.nodes) {
		if (node.holder !== null && (node.holder.deleted || deletes(ds, node.holder.id) || !inBody(node.holder, resolver))) continue; // nobody sees it
		const problem = matchProblem(node.name, visibleChildren(node.type, children.get(key) ?? [], ds));
		if (problem) return problem;
	}
	return null;
}

function inBody(holder: Y.Item, resolver: PlacementResolver): boolean {
	if (resolver.isKnown(holder)) return rootOf(holder) === BODY_FIELD;
	const placement = resolver.placementOf(holder);
	return placement !== null && resolver.rootOf(placement) === BODY_FIELD;
}

/** The update's items not in the document yet, after what is staged (as the lock guard lays it out), and its deletions. */
function pendingOf({ intake, candidate }: ProposedChange, resolver: PlacementResolver): { items: Y.Item[]; ds: DeleteSet } {
	let structs: readonly DecodedStruct[] = intake.decoded.structs as DecodedStruct[];
	let ds = intake.decoded.ds;
	if (candidate.staged !== null) structs = [...[...candidate.staged.values()].flat(), ...structs];
	else if (candidate.bytes !== intake.bytes) ({ structs, ds } = Y.decodeUpdate(candidate.bytes) as { structs: DecodedStruct[]; ds: DeleteSet });
	const items: Y.Item[] = [];
	for (const struct of structs) if (struct instanceof Y.Item && !resolver.isKnown(struct)) items.push(struct);
	return { items, ds };
}

function deletes(ds: DeleteSet, id: Y.ID): boolean {
	const ranges = ds.clients.get(id.client);
	return ranges !== undefined && ranges.some(({ clock, len }) => clock <= id.clock && id.clock < clock + len);
}

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

function runOf(item: Y.Item, ds: DeleteSet): Run {
	const content = item.content;
	let node: string | null = null;
	if (!item.deleted && !deletes(ds, item.id) && !(content instanceof Y.ContentDeleted)) {
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
function visibleChildren(type: Y.AbstractType<unknown> | null, added: readonly Y.Item[], ds: DeleteSet): string[] {
	const list: Run[] = [];
	for (let item = type?._start ?? null; item !== null; item = item.right) list.push(runOf(item, ds));
	let waiting = added.map((item) => runOf(item, ds));
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

/** Why a node cannot hold these children, or null when its content expression matches them. */
function matchProblem(name: string, children: readonly string[]): string | null {
	const type = documentSchema.nodes[name];
	if (type === undefined) return null; // an unknown node is refused as such
	let match: typeof type.contentMatch | null = type.contentMatch;
	for (const child of children) {
		const childType = documentSchema.nodes[child];
		match = childType === undefined ? null : match.matchType(childType);
		if (match === null) break;
	}
	if (match?.validEnd) return null;
	const held = children.length === 0 ? 'nothing' : children.length > 6 ? `${children.slice(0, 6).join(', ')} …` : children.join(', ');
	return `leaves a ${name} holding ${held}, where it must hold ${type.spec.content ?? 'nothing'}`;
}

/** Which marks each node allows its text (null: all of them). */
const ALLOWED_MARKS = new Map(
	Object.values(documentSchema.nodes).map((type) => [type.name, type.markSet === null ? null : new Set(type.markSet.map((mark) => mark.name))])
);

/** Why text inside a node named `node` may not carry `mark`, or null. */
export function markProblem(node: string | null, mark: string, value: unknown): string | null {
	if (node === null || value === null) return null; // a format taken off, or text the shape check judges
	const allowed = ALLOWED_MARKS.get(node);
	return allowed === undefined || allowed === null || allowed.has(mark) ? null : `formats text in a ${node} with ${mark}, which a ${node} does not allow`;
}
