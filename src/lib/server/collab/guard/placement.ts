import * as Y from 'yjs';
import { structAt, type DecodedStruct } from './update-structs';

type StructStore = Y.Doc['store'];

/**
 * Where a decoded item lands once Yjs integrates it. A decoded item names its parent only when it
 * has no neighbours; otherwise Yjs takes parent and map key from its left (else right) neighbour —
 * so an overwrite of a map entry or an attribute arrives with neither, and must be resolved.
 */
export interface Placement {
	/** The parent type: integrated (in the doc) or new (decoded from the same update). */
	parent: Y.AbstractType<unknown> | null;
	/** The root's name when the parent is a root type. */
	root: string | null;
	/** The item that holds the parent type; null when the parent is a root. */
	parentItem: Y.Item | null;
	/** The map key (attribute name) for map entries; null for list content. */
	parentSub: string | null;
	/** The parent type is created by the same update. */
	parentIsNew: boolean;
}

/** Resolves placements of one update's items (memoised: neighbour chains are shared). */
export class PlacementResolver {
	private readonly cache = new Map<Y.Item, Placement | null>();

	constructor(
		private readonly runs: Map<number, DecodedStruct[]>,
		private readonly store: StructStore
	) {}

	/** True when the doc already has all of the item (Yjs ignores it). */
	isKnown(item: Y.Item): boolean {
		return item.id.clock + item.length <= Y.getState(this.store, item.id.client);
	}

	/**
	 * null: the item will not be integrated as content (a collected neighbour or parent). Follows
	 * the neighbour chain in a loop (a paste of thousands of paragraphs, or a crafted chain of
	 * them, is one chain as long: recursion would run out of stack).
	 */
	placementOf(item: Y.Item): Placement | null {
		const chain: Y.Item[] = [];
		let placement: Placement | null = null;
		for (let next: Y.Item | null = item; next !== null;) {
			const current: Y.Item = next;
			next = null;
			if (this.cache.has(current)) {
				placement = this.cache.get(current)!;
				break;
			}
			this.cache.set(current, null); // a cycle resolves to nothing (the guard refuses such updates)
			chain.push(current);
			const neighbour = current.origin ?? current.rightOrigin;
			if (neighbour === null) placement = this.parentPlacement(current);
			else {
				const struct = structAt(neighbour, this.runs, this.store);
				if (!(struct instanceof Y.Item)) placement = null;
				else if (this.isKnownId(struct.id)) placement = integratedPlacement(struct);
				else next = struct;
			}
		}
		for (const resolved of chain) this.cache.set(resolved, placement);
		return placement;
	}

	/** The root an item ends up under, following new parents up through the update. */
	rootOf(placement: Placement): string | null {
		const seen = new Set<Placement>();
		for (let at: Placement | null = placement; at !== null && !seen.has(at);) {
			seen.add(at);
			if (at.root !== null) return at.root;
			if (at.parentItem === null) return null;
			if (!at.parentIsNew) return integratedRoot(at.parentItem);
			at = this.placementOf(at.parentItem);
		}
		return null; // a cycle of new parents
	}

	/** Where an item with no neighbours lands: the parent it names. */
	private parentPlacement(item: Y.Item): Placement | null {
		const parent = item.parent as unknown;
		if (typeof parent === 'string') return { parent: null, root: parent, parentItem: null, parentSub: item.parentSub, parentIsNew: false };
		if (!(parent instanceof Y.ID)) return null;
		const holder = structAt(parent, this.runs, this.store);
		if (!(holder instanceof Y.Item) || !(holder.content instanceof Y.ContentType)) return null;
		return { parent: holder.content.type, root: null, parentItem: holder, parentSub: item.parentSub, parentIsNew: !this.isKnownId(holder.id) };
	}

	private isKnownId(id: Y.ID): boolean {
		return id.clock < Y.getState(this.store, id.client);
	}
}

/** An integrated neighbour's parent and key, which Yjs copies onto the new item. */
function integratedPlacement(neighbour: Y.Item): Placement | null {
	const parent = neighbour.parent as Y.AbstractType<unknown> | null;
	if (parent === null || !(parent instanceof Y.AbstractType)) return null;
	const parentItem = parent._item;
	return {
		parent,
		root: parentItem === null ? Y.findRootTypeKey(parent) : null,
		parentItem,
		parentSub: neighbour.parentSub,
		parentIsNew: false
	};
}

function integratedRoot(item: Y.Item): string {
	let type = item.parent as Y.AbstractType<unknown>;
	while (type._item !== null) type = type._item.parent as Y.AbstractType<unknown>;
	return Y.findRootTypeKey(type);
}
