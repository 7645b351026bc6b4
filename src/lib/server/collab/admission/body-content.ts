import * as Y from 'yjs';
import { BODY_FIELD } from '../../../document';
import { documentSchema } from '../../../editor/schema';
import type { DecodedStruct } from '../guard';
import type { Placement, PlacementResolver } from '../guard/placement';
import { visibleChildren, type Gone } from './child-order';
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

/**
 * The elements and texts that updates this check passed delete, per room document, while they may
 * still be staged: an update judged against the document alone (it needs nothing staged to
 * integrate) would otherwise not see them gone, and two quick deletions could empty a node that
 * each alone leaves holding something. Forgotten once nothing is staged (all of it is in the
 * document then, or dropped); one refused by a later check only makes the check stricter till then.
 */
const stagedDeletions = new WeakMap<Y.Doc, Set<string>>();

/** The nodes an update touches, keyed by their item's id ('' for the body). */
export class TouchedNodes {
	readonly nodes = new Map<string, Touched>();
	private readonly recorded: Set<string>;
	private readonly deleted: string[] = [];

	constructor(doc: Y.Doc, stagedBytes: number) {
		let recorded = stagedDeletions.get(doc);
		if (recorded === undefined) stagedDeletions.set(doc, (recorded = new Set()));
		if (stagedBytes === 0) recorded.clear();
		this.recorded = recorded;
	}

	/** Deletions passed before this update may still be staged. */
	get stagedDeletions(): boolean {
		return this.recorded.size > 0;
	}

	stagedDeletion(id: Y.ID): boolean {
		return this.recorded.size > 0 && this.recorded.has(`${id.client}:${id.clock}`);
	}

	/** The update deletes this element or text. */
	deleting(id: Y.ID): void {
		this.deleted.push(`${id.client}:${id.clock}`);
	}

	/** The update passed: what it deletes may be staged from now on. */
	passed(): void {
		for (const id of this.deleted) this.recorded.add(id);
	}

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
					if (item instanceof Y.Item && !item.deleted && item.parentSub === null && item.content instanceof Y.ContentType) {
						this.deleting(item.id);
						this.removed(item, doc);
					}
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
	const gone: Gone | null = ds.clients.size === 0 && !touched.stagedDeletions ? null : (id) => deletes(ds, id) || touched.stagedDeletion(id);
	const children = new Map<string, Y.Item[]>();
	for (const item of items) {
		const placement = resolver.placementOf(item);
		if (placement === null || placement.parentSub !== null || resolver.rootOf(placement) !== BODY_FIELD) continue;
		const key = keyOf(placement.parentItem);
		const list = children.get(key);
		if (list) list.push(item);
		else children.set(key, [item]);
		if (pendingDeletes && item.content instanceof Y.ContentType && deletes(ds, item.id)) {
			touched.deleting(item.id);
			const parent = placement.parentItem === null ? topName : placement.parent instanceof Y.XmlElement ? placement.parent.nodeName : null;
			if (parent !== null) touched.added(item, placement, parent, doc);
		}
	}
	for (const [key, node] of touched.nodes) {
		if (node.holder !== null && !shownInBody(node.holder, resolver, gone)) continue; // nobody sees it
		const problem = matchProblem(node.name, visibleChildren(node.type, children.get(key) ?? [], gone));
		if (problem) return problem;
	}
	return null;
}

/** The node is in the body, and neither it nor a node above it is deleted (Yjs deletes what is inside with it). */
function shownInBody(holder: Y.Item, resolver: PlacementResolver, gone: Gone | null): boolean {
	for (let item: Y.Item | null = holder; item !== null;) {
		if (item.deleted || gone?.(item.id)) return false;
		if (resolver.isKnown(item)) {
			const parent = item.parent as Y.AbstractType<unknown>;
			if (parent._item === null) return Y.findRootTypeKey(parent) === BODY_FIELD;
			item = parent._item;
			continue;
		}
		const placement = resolver.placementOf(item);
		if (placement === null) return false;
		if (placement.parentItem === null) return placement.root === BODY_FIELD;
		item = placement.parentItem;
	}
	return true;
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

/** The most columns or rows one table cell spans (the editor's table map is as wide as the spans add up to). */
const MAX_SPAN = 100;

/**
 * Why an attribute value may not stand on a node, or null. The spans of a table cell are whole
 * numbers within reason: every editor lays a table out in a map as wide and high as its cells'
 * spans add up to (a colspan of 10⁸ holds every editor for seconds and gigabytes).
 */
export function attributeProblem(node: string, name: string, value: unknown): string | null {
	if (node !== 'tableCell' && node !== 'tableHeader') return null;
	if (name === 'colspan' || name === 'rowspan') {
		const whole = typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_SPAN;
		return whole ? null : `sets the ${name} of a ${node} to ${String(value).slice(0, 20)}, not a whole number from 1 to ${MAX_SPAN}`;
	}
	if (name === 'colwidth') {
		const widths = value === null || (Array.isArray(value) && value.length <= MAX_SPAN && value.every((width) => width === null || typeof width === 'number'));
		return widths ? null : `sets the colwidth of a ${node} to something other than up to ${MAX_SPAN} column widths`;
	}
	return null;
}
