import * as Y from 'yjs';

export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/**
 * One incoming update, decoded once. Every check after intake (the admission chain, the
 * acknowledgement) reads these fields; none decodes the bytes again.
 */
export interface Intake {
	readonly bytes: Uint8Array;
	readonly decoded: DecodedUpdate;
	/** Clients whose content it adds or deletes: whose acknowledgement it moves. */
	readonly touched: number[];
	/** Clients it writes content with that the document does not have yet: the ids the sender claims. */
	readonly writing: number[];
}

/** An update with no structs and no deletions, as clients send when they have nothing new. */
export function isEmptyUpdate(update: Uint8Array): boolean {
	return update.length === 2 && update[0] === 0 && update[1] === 0;
}

/** Decodes an update against the document it is meant for. Throws on bytes that are not an update. */
export function readUpdate(doc: Y.Doc, bytes: Uint8Array): Intake {
	const decoded = Y.decodeUpdate(bytes);
	const touched = new Set<number>(decoded.ds.clients.keys());
	const writing = new Set<number>();
	for (const struct of decoded.structs) {
		touched.add(struct.id.client);
		if (struct instanceof Y.Skip) continue;
		if (struct.id.clock + struct.length > Y.getState(doc.store, struct.id.client)) writing.add(struct.id.client);
	}
	return { bytes, decoded, touched: [...touched], writing: [...writing] };
}

/**
 * True when applying the update would change nothing in `doc`: no unknown structs and only
 * deletions `doc` already has. A reconnecting client's sync step 2 always repeats its whole
 * delete set; storing that again would only grow the log.
 */
export function addsNothing(doc: Y.Doc, intake: Intake): boolean {
	if (intake.writing.length > 0) return false;
	const { ds } = intake.decoded;
	if (ds.clients.size === 0) return true;
	const known = Y.createDeleteSetFromStructStore(doc.store);
	for (const [client, ranges] of ds.clients) {
		const knownRanges = known.clients.get(client) ?? [];
		for (const range of ranges) {
			if (!coveredBy(knownRanges, range.clock, range.len)) return false;
		}
	}
	return true;
}

/** `ranges` are sorted and merged (as createDeleteSetFromStructStore builds them). */
function coveredBy(ranges: { clock: number; len: number }[], clock: number, len: number): boolean {
	let low = 0;
	let high = ranges.length - 1;
	while (low <= high) {
		const mid = (low + high) >> 1;
		const range = ranges[mid];
		if (clock < range.clock) high = mid - 1;
		else if (clock >= range.clock + range.len) low = mid + 1;
		else return clock + len <= range.clock + range.len;
	}
	return false;
}

/** Every client's clock in `doc`, i.e. how far each client's content is stored. */
export function stateClocks(doc: Y.Doc): Map<number, number> {
	return Y.decodeStateVector(Y.encodeStateVector(doc));
}

/**
 * True when the update needs nothing but `doc` to integrate: each client's structs continue
 * where `doc` (or an earlier struct of the update) leaves off, and every item it refers to
 * (origins, parent) and every deletion is of content `doc` or the update itself has. Such an
 * update can be judged against `doc` alone, whatever else is staged; anything it might depend
 * on that is only staged makes this false (and judging it alone would only refuse it).
 */
export function standsAlone(doc: Y.Doc, decoded: DecodedUpdate): boolean {
	const known = new Map<number, number>(); // client → clocks below this are in doc or the update
	for (const struct of decoded.structs) {
		const { client, clock } = struct.id;
		const end = known.get(client) ?? Y.getState(doc.store, client);
		if (struct instanceof Y.Skip || clock > end) return false;
		known.set(client, Math.max(end, clock + struct.length));
	}
	const has = (id: Y.ID | null | undefined) => !id || id.clock < (known.get(id.client) ?? Y.getState(doc.store, id.client));
	for (const struct of decoded.structs) {
		if (!(struct instanceof Y.Item)) continue;
		if (!has(struct.origin) || !has(struct.rightOrigin)) return false;
		if (struct.parent instanceof Y.ID && !has(struct.parent)) return false;
	}
	for (const [client, ranges] of decoded.ds.clients) {
		const end = known.get(client) ?? Y.getState(doc.store, client);
		for (const range of ranges) if (range.clock + range.len > end) return false;
	}
	return true;
}

/**
 * True when the update adds or deletes an element or a text (a Y.XmlElement or Y.XmlText): what
 * changes the children a node holds. Typing (characters, formats, their deletion) never does.
 */
export function changesElements(doc: Y.Doc, decoded: DecodedUpdate): boolean {
	for (const struct of decoded.structs) if (struct instanceof Y.Item && struct.content instanceof Y.ContentType) return true;
	for (const [client, ranges] of decoded.ds.clients) {
		const structs = doc.store.clients.get(client);
		if (structs === undefined) continue;
		const state = Y.getState(doc.store, client);
		for (const { clock, len } of ranges) {
			if (clock >= state) continue;
			for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i].id.clock < clock + len; i++) {
				const struct = structs[i];
				if (struct instanceof Y.Item && !struct.deleted && struct.content instanceof Y.ContentType) return true;
			}
		}
	}
	return false;
}
