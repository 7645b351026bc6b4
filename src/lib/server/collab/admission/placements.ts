import * as Y from 'yjs';
import { PlacementResolver } from '../guard/placement';
import { groupByClient, type DecodedStruct } from '../guard/update-structs';
import type { Intake } from '../update-intake';

const resolvers = new WeakMap<Intake, PlacementResolver>();

/** One resolver per update, shared by the checks that need to know where its items land. */
export function placementsOf(intake: Intake, doc: Y.Doc): PlacementResolver {
	let resolver = resolvers.get(intake);
	if (!resolver) {
		const runs = groupByClient(intake.decoded.structs as DecodedStruct[]) ?? new Map<number, DecodedStruct[]>();
		resolver = new PlacementResolver(runs, doc.store);
		resolvers.set(intake, resolver);
	}
	return resolver;
}

/** The update's items the document does not have yet. */
export function* newItems(intake: Intake, resolver: PlacementResolver): Generator<Y.Item> {
	for (const struct of intake.decoded.structs) {
		if (struct instanceof Y.Item && !resolver.isKnown(struct)) yield struct;
	}
}
