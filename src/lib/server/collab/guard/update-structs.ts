import * as Y from 'yjs';

type StructStore = Y.Doc['store'];

/** What `Y.decodeUpdate` yields for one struct. */
export type DecodedStruct = Y.Item | Y.GC | Y.Skip;

/**
 * The update's structs per client, in clock order. Returns null when the update is one
 * Yjs itself would mishandle: a client appearing in two blocks (Yjs keeps only the last)
 * or a struct of zero length.
 */
export function groupByClient(structs: DecodedStruct[]): Map<number, DecodedStruct[]> | null {
	const runs = new Map<number, DecodedStruct[]>();
	let current: DecodedStruct[] | null = null;
	let currentClient = -1;
	for (const struct of structs) {
		if (struct.length < 1) return null;
		const client = struct.id.client;
		if (current === null || client !== currentClient) {
			if (runs.has(client)) return null;
			current = [];
			currentClient = client;
			runs.set(client, current);
		}
		current.push(struct);
	}
	return runs;
}

export type Unresolved = { kind: 'gap'; struct: DecodedStruct } | { kind: 'parent' | 'neighbour'; struct: Y.Item; ref: Y.ID };

/**
 * Finds a struct Yjs could never integrate: one after a gap in its client's clocks, or one
 * whose parent / left / right neighbour is neither in the doc nor (acyclically) earlier in
 * the update. Yjs would park such structs as pending forever — and a neighbour on the same
 * client that is not yet integrated makes Yjs throw mid-apply.
 * Mirrors the order-independence of Yjs' integrateStructs: a client blocked on another
 * client is retried whenever that client advances.
 */
export function findUnresolved(runs: Map<number, DecodedStruct[]>, store: StructStore): Unresolved | null {
	const frontier = new Map<number, number>();
	for (const client of runs.keys()) frontier.set(client, Y.getState(store, client));
	const known = (id: Y.ID): boolean => id.clock < (frontier.get(id.client) ?? Y.getState(store, id.client));

	const nextIndex = new Map<number, number>();
	const waiters = new Map<number, number[]>();
	const queue = [...runs.keys()];
	while (queue.length > 0) {
		const client = queue.pop() as number;
		const structs = runs.get(client) as DecodedStruct[];
		let i = nextIndex.get(client) ?? 0;
		let advanced = false;
		let blockedOn: number | null = null;
		for (; i < structs.length; i++) {
			const struct = structs[i];
			if (struct instanceof Y.Skip) continue;
			const reached = frontier.get(client) as number;
			if (struct.id.clock > reached) break;
			if (struct instanceof Y.Item) {
				const missing = firstMissingRef(struct, known);
				if (missing !== null) {
					blockedOn = missing.ref.client;
					break;
				}
			}
			frontier.set(client, Math.max(reached, struct.id.clock + struct.length));
			advanced = true;
		}
		nextIndex.set(client, i);
		if (advanced) {
			const woken = waiters.get(client);
			if (woken !== undefined) {
				waiters.delete(client);
				queue.push(...woken);
			}
		}
		if (blockedOn !== null && blockedOn !== client && runs.has(blockedOn)) {
			const list = waiters.get(blockedOn);
			if (list === undefined) waiters.set(blockedOn, [client]);
			else list.push(client);
		}
	}

	for (const [client, structs] of runs) {
		for (let i = nextIndex.get(client) ?? 0; i < structs.length; i++) {
			const struct = structs[i];
			if (struct instanceof Y.Skip) continue;
			if (struct.id.clock > (frontier.get(client) as number)) return { kind: 'gap', struct };
			if (struct instanceof Y.Item) {
				const missing = firstMissingRef(struct, known);
				if (missing !== null) return { ...missing, struct };
			}
			return { kind: 'gap', struct };
		}
	}
	return null;
}

function firstMissingRef(item: Y.Item, known: (id: Y.ID) => boolean): { kind: 'parent' | 'neighbour'; ref: Y.ID } | null {
	if (item.origin !== null && !known(item.origin)) return { kind: 'neighbour', ref: item.origin };
	if (item.rightOrigin !== null && !known(item.rightOrigin)) return { kind: 'neighbour', ref: item.rightOrigin };
	const parent = item.parent as unknown;
	if (parent instanceof Y.ID && !known(parent)) return { kind: 'parent', ref: parent };
	return null;
}

/**
 * The struct holding `id`: from the doc when the doc already has that clock (Yjs ignores
 * re-sent structs), otherwise from the update. Both are assumed resolvable (see findUnresolved).
 */
export function structAt(id: Y.ID, runs: Map<number, DecodedStruct[]>, store: StructStore): Y.AbstractStruct | undefined {
	if (id.clock < Y.getState(store, id.client)) {
		const structs = store.clients.get(id.client) as Array<Y.GC | Y.Item>;
		return structs[Y.findIndexSS(structs, id.clock)];
	}
	const structs = runs.get(id.client);
	if (structs === undefined) return undefined;
	let lo = 0;
	let hi = structs.length - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >>> 1;
		const struct = structs[mid];
		if (id.clock < struct.id.clock) hi = mid - 1;
		else if (id.clock >= struct.id.clock + struct.length) lo = mid + 1;
		else return struct;
	}
	return undefined;
}
