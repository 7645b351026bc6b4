import * as Y from 'yjs';
import type { LockIndex } from './lock-index';
import type { PlacementResolver } from './placement';
import { structAt, type DecodedStruct } from './update-structs';

type StructStore = Y.Doc['store'];

export interface RuleContext {
	lock: LockIndex;
	allowedRoots: ReadonlySet<string>;
	textMapRoots: ReadonlySet<string>;
	store: StructStore;
}

/** Why one decoded item may not be applied, or null when it may. */
export function itemViolation(item: Y.Item, ctx: RuleContext, placements: PlacementResolver): string | null {
	return contentViolation(item) ?? textMapViolation(item, ctx, placements) ?? placementViolation(item, ctx);
}

export const MAX_TERM_VALUE_LENGTH = 4000;
const TERM_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * A fill-in term is one string under a plain key; anything else would break every reader. New
 * keys and overwrites alike: an overwrite names neither parent nor key (Yjs takes both from the
 * value it replaces), so the placement is resolved first.
 */
function textMapViolation(item: Y.Item, { textMapRoots }: RuleContext, placements: PlacementResolver): string | null {
	const placement = placements.placementOf(item);
	if (placement === null || placement.root === null || !textMapRoots.has(placement.root)) return null;
	if (item.content instanceof Y.ContentDeleted) return null;
	if (typeof placement.parentSub !== 'string' || !TERM_KEY.test(placement.parentSub)) return 'writes a term under an invalid key';
	const values = item.content instanceof Y.ContentAny ? item.content.getContent() : null;
	if (!values || values.length !== 1 || typeof values[0] !== 'string') return 'writes a term value that is not text';
	if (values[0].length > MAX_TERM_VALUE_LENGTH) return `writes a term value longer than ${MAX_TERM_VALUE_LENGTH} characters`;
	return null;
}

function contentViolation(item: Y.Item): string | null {
	// MOUs never hold subdocuments or raw bytes; refusing them closes two smuggling routes.
	if (item.content instanceof Y.ContentDoc) return 'contains a subdocument';
	if (item.content instanceof Y.ContentBinary) return 'contains binary content';
	return null;
}

function placementViolation(item: Y.Item, { lock, allowedRoots, store }: RuleContext): string | null {
	const parent = item.parent as unknown;
	if (typeof parent === 'string') {
		if (!allowedRoots.has(parent)) return `writes to unknown root ${displayName(parent)}`;
	} else if (parent instanceof Y.ID) {
		if (lock.boundary.has(parent.client, parent.clock) || lock.interior.has(parent.client, parent.clock)) return 'edits a locked clause';
	}
	// With parent null Yjs places the item beside its origin / right origin, so a neighbour
	// inside a locked clause means the item lands inside it. The clause's own item is fine.
	if (item.origin !== null && lock.interior.has(item.origin.client, item.origin.clock)) return 'inserts into a locked clause';
	if (item.rightOrigin !== null && lock.interior.has(item.rightOrigin.client, item.rightOrigin.clock)) return 'inserts into a locked clause';
	// A struct the doc partly has is integrated from the first unknown clock, right after
	// the doc's last item of that client, whatever its declared origin (Item.integrate offset).
	const { client, clock } = item.id;
	const known = Y.getState(store, client);
	if (clock < known && known < clock + item.length && lock.interior.has(client, known - 1)) return 'inserts into a locked clause';
	return null;
}

export function gcViolation(gc: Y.GC, { lock }: RuleContext): string | null {
	const { client, clock } = gc.id;
	return lock.protectedIds.overlaps(client, clock, clock + gc.length) ? 'erases locked clause content' : null;
}

export function deleteSetViolation(ds: ReturnType<typeof Y.decodeUpdate>['ds'], { lock }: RuleContext): string | null {
	for (const [client, ranges] of ds.clients) {
		for (const { clock, len } of ranges) {
			if (lock.undeletable.overlaps(client, clock, clock + len)) return 'deletes locked clause content';
		}
	}
	return null;
}

/** Yjs reads a parent id as `parentItem.content.type`; anything but a type item corrupts the doc. */
export function parentViolation(item: Y.Item, runs: Map<number, DecodedStruct[]>, store: StructStore): string | null {
	const parent = item.parent as unknown;
	if (!(parent instanceof Y.ID)) return null;
	const holder = structAt(parent, runs, store);
	if (holder === undefined) return `refers to an unknown parent ${parent.client}:${parent.clock}`;
	if (!('content' in holder)) return null; // a collected parent: Yjs discards the item
	const content = (holder as Y.Item).content;
	return content.getRef() === CONTENT_TYPE_REF ? null : 'has a parent that is not a container';
}

const CONTENT_TYPE_REF = 7;

function displayName(name: string): string {
	return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}
