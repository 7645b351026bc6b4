import * as Y from 'yjs';
import { PlacementResolver } from '../guard/placement';
import { afterStaged } from '../guard';
import { groupByClient, type DecodedStruct } from '../guard/update-structs';
import type { Intake } from '../update-intake';
import type { ProposedChange } from './types';

/**
 * The update being admitted, its resolver and its new items, shared by the checks of the chain
 * and the recording after it. One slot, not a map: the chain runs one update at a time, and a
 * WeakMap entry per keystroke costs more than the lookups it saves.
 */
let last: { intake: Intake; resolver: PlacementResolver; items: Y.Item[] | null } | null = null;
/** The change the chain is judging (set by `admit`): its items are placed after what is staged. */
let judging: ProposedChange | null = null;

function slotOf(intake: Intake, doc: Y.Doc): NonNullable<typeof last> {
	if (last?.intake !== intake) last = { intake, resolver: new PlacementResolver(runsOf(intake), doc.store), items: null };
	return last;
}

/**
 * The structs an update's items are placed among: its own, after the staged ones it builds on
 * when it is judged so (the lock guard's layout of the candidate), else the merged candidate's.
 * Placed among its own alone, an item whose parent or neighbour is only staged has no placement,
 * and every check would pass it.
 */
function runsOf(intake: Intake): Map<number, DecodedStruct[]> {
	const own = () => groupByClient(intake.decoded.structs as DecodedStruct[]) ?? new Map<number, DecodedStruct[]>();
	const candidate = judging?.intake === intake ? judging.candidate : null;
	if (candidate === null || (candidate.bytes === intake.bytes && candidate.staged === null)) return own();
	try {
		if (candidate.staged !== null) return afterStaged(candidate.staged, own());
		return groupByClient(Y.decodeUpdate(candidate.bytes).structs as DecodedStruct[]) ?? own();
	} catch {
		return own(); // the lock guard refuses what cannot be laid out
	}
}

/** Called by `admit` before the chain: the placements of `change` are resolved after what is staged. */
export function judgingChange(change: ProposedChange): void {
	judging = change;
	if (last?.intake === change.intake) last = null; // placed before it was known what it builds on
}

/** One resolver per update, shared by the checks that need to know where its items land. */
export function placementsOf(intake: Intake, doc: Y.Doc): PlacementResolver {
	return slotOf(intake, doc).resolver;
}

/** The update's items the document does not have yet (`resolver` is placementsOf's for it). */
export function newItems(intake: Intake, resolver: PlacementResolver): readonly Y.Item[] {
	const slot = last?.intake === intake && last.resolver === resolver ? last : null;
	if (slot?.items) return slot.items;
	const items: Y.Item[] = [];
	for (const struct of intake.decoded.structs) {
		if (struct instanceof Y.Item && !resolver.isKnown(struct)) items.push(struct);
	}
	if (slot) slot.items = items;
	return items;
}
