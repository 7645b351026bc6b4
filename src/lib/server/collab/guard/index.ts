import * as Y from 'yjs';
import { buildLockIndex } from './lock-index';
import { PlacementResolver } from './placement';
import { deleteSetViolation, gcViolation, itemViolation, parentViolation, type RuleContext } from './rules';
import { findUnresolved, groupByClient, type DecodedStruct, type Unresolved } from './update-structs';

export type { DecodedStruct } from './update-structs';

/**
 * Updates admitted before the one checked and not yet in the doc, as runs of decoded structs per
 * client in clock order, each struct already judged when its update was admitted.
 */
export type StagedRuns = ReadonlyMap<number, readonly DecodedStruct[]>;

export type GuardVerdict = { ok: true; clients: number[] } | { ok: false; reason: string };

export interface UpdateGuard {
	/**
	 * Decides whether a Yjs v1 update may be applied to the doc. Never throws, never mutates the
	 * doc. `decoded`: the update's Y.decodeUpdate result when the caller has it already.
	 * `staged`: the update is judged as applied after these (it may build on them); each of its
	 * clients' structs must continue that client's staged run where the run ends.
	 */
	check(update: Uint8Array, decoded?: DecodedUpdate, staged?: StagedRuns): GuardVerdict;
	/** How many items make up the locked clauses (for logs and benchmarks). */
	readonly lockedItemCount: number;
}

/**
 * Guards the server's authoritative MOU doc (fully loaded, gc:false) against updates that
 * would alter locked clauses, write outside the allowed roots, or leave Yjs with structs it
 * can never integrate. Locked content cannot change once loaded (this guard refuses every
 * change to it), so the lock index is built once here.
 * Check and apply must be serialised per doc: the verdict holds for the doc as it is now.
 */
export function createUpdateGuard(
	doc: Y.Doc,
	options: {
		allowedRoots: readonly string[];
		/** Map roots whose entries must be short text under a plain key (fill-in terms). */
		textMapRoots?: readonly string[];
	}
): UpdateGuard {
	const lock = buildLockIndex(doc);
	const ctx: RuleContext = {
		lock,
		allowedRoots: new Set(options.allowedRoots),
		textMapRoots: new Set(options.textMapRoots ?? ['terms']),
		store: doc.store
	};
	return {
		lockedItemCount: lock.itemCount,
		check(update, decoded, staged) {
			try {
				return checkUpdate(update, ctx, decoded, staged);
			} catch {
				return refuse('malformed update');
			}
		}
	};
}

type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

function checkUpdate(update: Uint8Array, ctx: RuleContext, given: DecodedUpdate | undefined, staged: StagedRuns | undefined): GuardVerdict {
	let decoded: DecodedUpdate;
	try {
		decoded = given ?? Y.decodeUpdate(update);
	} catch {
		return refuse('malformed update');
	}
	const own = groupByClient(decoded.structs as DecodedStruct[]);
	if (own === null) return refuse('malformed update');
	// What the update's items refer to may be staged; only the update's own structs are judged.
	const runs = staged ? afterStaged(staged, own) : own;

	const placements = new PlacementResolver(runs, ctx.store);
	const clients: number[] = [];
	for (const [client, structs] of own) {
		let hasStructs = false;
		for (const struct of structs) {
			const violation = structViolation(struct, ctx, placements);
			if (violation !== null) return refuse(violation);
			if (!(struct instanceof Y.Skip)) hasStructs = true;
		}
		if (hasStructs) clients.push(client);
	}

	const deleteViolation = deleteSetViolation(decoded.ds, ctx);
	if (deleteViolation !== null) return refuse(deleteViolation);

	const unresolved = findUnresolved(runs, ctx.store);
	if (unresolved !== null) return refuse(describeUnresolved(unresolved));

	for (const structs of own.values()) {
		for (const struct of structs) {
			if (!(struct instanceof Y.Item)) continue;
			const violation = parentViolation(struct, runs, ctx.store);
			if (violation !== null) return refuse(violation);
		}
	}
	return { ok: true, clients };
}

/** The staged runs with the update's structs after them, as one update merged after the staged ones would have them. */
export function afterStaged(staged: StagedRuns, own: Map<number, DecodedStruct[]>): Map<number, DecodedStruct[]> {
	const runs = new Map<number, DecodedStruct[]>(staged as Map<number, DecodedStruct[]>);
	for (const [client, structs] of own) {
		const before = staged.get(client);
		if (before === undefined) {
			runs.set(client, structs);
			continue;
		}
		const last = before[before.length - 1];
		if (structs[0].id.clock !== last.id.clock + last.length) throw new Error('the update does not continue what is staged');
		runs.set(client, [...before, ...structs]);
	}
	return runs;
}

function structViolation(struct: DecodedStruct, ctx: RuleContext, placements: PlacementResolver): string | null {
	if (struct instanceof Y.Item) return itemViolation(struct, ctx, placements);
	if (struct instanceof Y.GC) return gcViolation(struct, ctx);
	return null;
}

function describeUnresolved(unresolved: Unresolved): string {
	if (unresolved.kind === 'parent') return `refers to an unknown parent ${unresolved.ref.client}:${unresolved.ref.clock}`;
	if (unresolved.kind === 'neighbour') return 'refers to content the server does not have';
	return 'depends on changes the server does not have';
}

function refuse(reason: string): GuardVerdict {
	return { ok: false, reason };
}
