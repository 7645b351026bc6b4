import type * as Y from 'yjs';
import { ClockRanges, type ClockRangesBuilder } from './clock-ranges';

// Yjs types their event parameter loosely; the index walks every kind of shared type alike.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SharedType = Y.AbstractType<any>;

/** Content ref Yjs gives ContentType (see yjs structs/ContentType.js getRef). */
const CONTENT_TYPE_REF = 7;

/**
 * Which item ids belong to locked clauses, built once from the loaded document.
 * - `boundary`: each locked clause's own element item. Others may insert next to it.
 * - `interior`: its attribute items and every descendant item, deleted ones included.
 *   Nothing may be inserted into, parented on, or positioned against these.
 * - `undeletable`: live items whose deletion would remove locked content — boundary,
 *   interior and every ancestor element of a locked clause (Yjs deletes a type's children with it).
 * - `protectedIds`: everything above, deleted or not (a GC struct must not cover any of it).
 */
export interface LockIndex {
	boundary: ClockRanges;
	interior: ClockRanges;
	undeletable: ClockRanges;
	protectedIds: ClockRanges;
	itemCount: number;
}

export function buildLockIndex(doc: Y.Doc, bodyRoot = 'body'): LockIndex {
	const boundary = ClockRanges.builder();
	const interior = ClockRanges.builder();
	const undeletable = ClockRanges.builder();
	const protectedIds = ClockRanges.builder();
	let itemCount = 0;

	const addItem = (target: ClockRangesBuilder, item: Y.Item): void => {
		const { client, clock } = item.id;
		target.add(client, clock, clock + item.length);
		protectedIds.add(client, clock, clock + item.length);
		if (!item.deleted) undeletable.add(client, clock, clock + item.length);
		itemCount++;
	};

	// Ancestors only need protection from deletion; they are not locked themselves.
	const addAncestor = (item: Y.Item): void => {
		const { client, clock } = item.id;
		undeletable.add(client, clock, clock + item.length);
		protectedIds.add(client, clock, clock + item.length);
	};

	const indexSubtree = (type: SharedType): void => {
		for (const latest of type._map.values()) {
			// Older values of an attribute stay linked to the left of the current one.
			for (let item: Y.Item | null = latest; item !== null; item = item.left) addItem(interior, item);
		}
		for (let item = type._start; item !== null; item = item.right) {
			addItem(interior, item);
			const child = childType(item);
			if (child !== null) indexSubtree(child);
		}
	};

	const ancestors: Y.Item[] = [];
	const findLockedClauses = (type: SharedType): void => {
		for (let item = type._start; item !== null; item = item.right) {
			// A deleted container is no longer part of the document; anything written into it is deleted on arrival.
			if (item.deleted) continue;
			const child = childType(item);
			if (child === null) continue;
			if (isLockedClause(child)) {
				addItem(boundary, item);
				indexSubtree(child);
				for (const ancestor of ancestors) addAncestor(ancestor);
			} else {
				ancestors.push(item);
				findLockedClauses(child);
				ancestors.pop();
			}
		}
	};
	const body = doc.share.get(bodyRoot);
	if (body !== undefined) findLockedClauses(body);

	return {
		boundary: boundary.build(),
		interior: interior.build(),
		undeletable: undeletable.build(),
		protectedIds: protectedIds.build(),
		itemCount
	};
}

function childType(item: Y.Item): SharedType | null {
	return item.content.getRef() === CONTENT_TYPE_REF ? (item.content as Y.ContentType).type : null;
}

function isLockedClause(type: SharedType): boolean {
	const element = type as Y.XmlElement;
	if (element.nodeName !== 'clause' || typeof element.getAttribute !== 'function') return false;
	const locked: unknown = element.getAttribute('locked');
	return locked === true || locked === 'true';
}
