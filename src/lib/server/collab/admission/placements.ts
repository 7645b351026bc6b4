import * as Y from 'yjs';
import { PlacementResolver } from '../guard/placement';
import { groupByClient, type DecodedStruct } from '../guard/update-structs';
import type { Intake } from '../update-intake';

/**
 * The update being admitted, its resolver and its new items, shared by the checks of the chain
 * and the recording after it. One slot, not a map: the chain runs one update at a time, and a
 * WeakMap entry per keystroke costs more than the lookups it saves.
 */
let last: { intake: Intake; resolver: PlacementResolver; items: Y.Item[] | null } | null = null;

function slotOf(intake: Intake, doc: Y.Doc): NonNullable<typeof last> {
	if (last?.intake !== intake) {
		const runs = groupByClient(intake.decoded.structs as DecodedStruct[]) ?? new Map<number, DecodedStruct[]>();
		last = { intake, resolver: new PlacementResolver(runs, doc.store), items: null };
	}
	return last;
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
