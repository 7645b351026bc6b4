import * as Y from 'yjs';
import { BODY_FIELD, TERMS_FIELD, TERM_PROPOSALS_FIELD } from '../../../document';
import { DELETION, INSERTION, parseSuggestionAttrs, parseTermProposal, type Party } from '../../../redlines/types';

/** Who wrote the update being checked. */
export interface Writer {
	userId: string;
	side: Party;
	/** Whether a Yjs client id is one this person writes with (so its elements are theirs). */
	ownsClient(client: number): boolean;
	/**
	 * Whether new unmarked text is late typing into the writer's own suggestion as it was decided
	 * (admission/late-typing.ts): admitted, and marked by the server right behind it.
	 */
	isLateTyping?(item: Y.Item, tr: Y.Transaction): boolean;
}

type Attrs = Map<string, unknown>;

/**
 * While an MOU is negotiated, every change must be a suggestion the writer's party is answerable
 * for. Judged on the document after the update was integrated (a shadow copy), so positions and
 * formatting are exactly what every reader will see. Returns why the transaction is refused, or null.
 */
export function trackedChangeViolation(tr: Y.Transaction, writer: Writer): string | null {
	const texts = new Set<Y.XmlText>();
	for (const item of itemsAddedBy(tr)) {
		const violation = newItemViolation(item, tr, writer, texts);
		if (violation) return violation;
	}
	let deleted: string | null = null;
	Y.iterateDeletedStructs(tr, tr.deleteSet, (struct) => {
		if (deleted || !(struct instanceof Y.Item)) return;
		deleted = deletedItemViolation(struct, tr, writer, texts);
	});
	if (deleted) return deleted;
	for (const text of texts) {
		const violation = textViolation(text, tr, writer);
		if (violation) return violation;
	}
	return null;
}

/** The items a transaction added, client by client: what a document took in, wherever it came from. */
export function* itemsAddedBy(tr: Y.Transaction): Generator<Y.Item> {
	for (const [client, after] of tr.afterState) {
		const before = tr.beforeState.get(client) ?? 0;
		if (after <= before) continue;
		const structs = tr.doc.store.clients.get(client)!;
		for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
			const struct = structs[i];
			if (struct instanceof Y.Item) yield struct;
		}
	}
}

export function rootOf(item: Y.Item): string {
	let type = item.parent as Y.AbstractType<unknown>;
	while (type._item !== null) type = type._item.parent as Y.AbstractType<unknown>;
	return Y.findRootTypeKey(type);
}

function existedBefore(item: Y.Item, tr: Y.Transaction): boolean {
	return item.id.clock < (tr.beforeState.get(item.id.client) ?? 0);
}

function newItemViolation(item: Y.Item, tr: Y.Transaction, writer: Writer, texts: Set<Y.XmlText>): string | null {
	const root = rootOf(item);
	if (root === TERMS_FIELD) return 'changes a term directly; propose the new value instead';
	if (root === TERM_PROPOSALS_FIELD) return proposalViolation(item, writer);
	if (root !== BODY_FIELD) return null; // the lock guard already refuses unknown roots
	const parent = item.parent as Y.AbstractType<unknown>;
	if (item.parentSub !== null) return attributeViolation(parent, tr, writer);
	if (item.content instanceof Y.ContentType && isTerm(item.content.type)) return 'adds a fill-in term while negotiating';
	// A clause and its heading cannot be marked as a suggestion, so the other side could not reject them.
	if (item.content instanceof Y.ContentType && isClause(item.content.type))
		return 'adds a clause while negotiating; suggest new text inside an existing clause';
	if (parent instanceof Y.XmlText) texts.add(parent);
	return null;
}

function proposalViolation(item: Y.Item, writer: Writer): string | null {
	if (item.deleted) return null; // overwritten within the same update
	const values = item.content instanceof Y.ContentAny ? item.content.getContent() : [];
	const proposal = parseTermProposal(values[0]);
	if (!proposal) return 'writes a term proposal that is not well formed';
	if (proposal.party !== writer.side || proposal.authorId !== writer.userId) return 'writes a term proposal in someone else’s name';
	return null;
}

/**
 * Block attributes (heading level…) change only on blocks the writer created; a clause's (its
 * heading) never while negotiating: no mark could show the change, so nobody could reject it.
 */
function attributeViolation(parent: Y.AbstractType<unknown>, tr: Y.Transaction, writer: Writer): string | null {
	const owner = parent._item;
	if (isClause(parent) && owner && existedBefore(owner, tr)) return 'changes a clause heading while negotiating';
	if (owner && (!existedBefore(owner, tr) || writer.ownsClient(owner.id.client))) return null;
	return 'changes the attributes of a block it did not add';
}

function deletedItemViolation(item: Y.Item, tr: Y.Transaction, writer: Writer, texts: Set<Y.XmlText>): string | null {
	if (!existedBefore(item, tr)) return null; // added and removed within this update
	const root = rootOf(item);
	if (root === TERMS_FIELD) return 'changes a term directly; propose the new value instead';
	if (root === TERM_PROPOSALS_FIELD) {
		const key = item.parentSub!;
		const current = (item.parent as Y.Map<unknown>)._map.get(key);
		return current && !current.deleted && !existedBefore(current, tr) ? null : 'removes a term proposal; withdraw it instead';
	}
	if (root !== BODY_FIELD) return null;
	if (item.content instanceof Y.ContentType && isTerm(item.content.type) && !writer.ownsClient(item.id.client))
		return 'removes a fill-in term while negotiating';
	if (item.content instanceof Y.ContentType && isClause(item.content.type)) return 'removes a clause while negotiating; mark its text as a deletion';
	if (item.parent instanceof Y.XmlText) texts.add(item.parent);
	return null;
}

function isTerm(type: Y.AbstractType<unknown>): boolean {
	return type instanceof Y.XmlElement && type.nodeName === 'term';
}

function isClause(type: Y.AbstractType<unknown>): boolean {
	return type instanceof Y.XmlElement && type.nodeName === 'clause';
}

/**
 * Walks one paragraph's text once, keeping the formatting in force before and after the
 * update, and judges every character that appeared, disappeared or changed formatting.
 */
function textViolation(text: Y.XmlText, tr: Y.Transaction, writer: Writer): string | null {
	const before: Attrs = new Map();
	const after: Attrs = new Map();
	for (let item = text._start; item !== null; item = item.right) {
		const wasVisible = existedBefore(item, tr) && (!item.deleted || Y.isDeleted(tr.deleteSet, item.id));
		const isVisible = !item.deleted;
		if (item.content instanceof Y.ContentFormat) {
			const { key, value } = item.content;
			if (wasVisible) setAttr(before, key, value);
			if (isVisible) setAttr(after, key, value);
			continue;
		}
		if (!item.countable) continue;
		const violation = charViolation(wasVisible, isVisible, before, after, writer);
		if (violation && !wasVisible && isVisible && !after.has(INSERTION) && writer.ownsClient(item.id.client) && writer.isLateTyping?.(item, tr)) continue;
		if (violation) return violation;
	}
	return null;
}

function setAttr(attrs: Attrs, key: string, value: unknown): void {
	if (value === null) attrs.delete(key);
	else attrs.set(key, value);
}

function charViolation(wasVisible: boolean, isVisible: boolean, before: Attrs, after: Attrs, writer: Writer): string | null {
	if (!wasVisible && isVisible) {
		// A deletion of the other party's may cover new text when both typed at the same spot at once
		// (Yjs orders concurrent inserts by client id): tolerated, the writer could not have seen it.
		return isOwn(after.get(INSERTION), writer, true) ? null : 'adds text that is not marked as your party’s insertion';
	}
	if (wasVisible && !isVisible) {
		return isOwn(before.get(INSERTION), writer, false) ? null : 'removes text that is not your party’s pending insertion; mark it as a deletion';
	}
	if (!wasVisible) return null;
	return formattingViolation(before, after, writer);
}

/** Existing text: suggestion marks only gain the writer's deletion; other formatting only inside own insertions. */
function formattingViolation(before: Attrs, after: Attrs, writer: Writer): string | null {
	const ownText = isOwn(before.get(INSERTION), writer, false);
	if (!sameValue(before.get(INSERTION), after.get(INSERTION))) return 'changes an insertion mark; decisions are made on the server';
	if (!sameValue(before.get(DELETION), after.get(DELETION))) {
		if (before.has(DELETION) || !isOwn(after.get(DELETION), writer, true)) return 'changes a deletion mark; decisions are made on the server';
	}
	if (ownText) return null;
	for (const key of new Set([...before.keys(), ...after.keys()])) {
		if (key === INSERTION || key === DELETION) continue;
		if (!sameValue(before.get(key), after.get(key))) return 'changes the formatting of text outside your own insertion';
	}
	return null;
}

/** A suggestion of the writer's party (and, for new marks, made by the writer themself). */
function isOwn(value: unknown, writer: Writer, byWriter: boolean): boolean {
	const attrs = parseSuggestionAttrs(value);
	if (!attrs || attrs.party !== writer.side) return false;
	return !byWriter || attrs.authorId === writer.userId;
}

function sameValue(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (a === undefined || b === undefined) return false;
	return JSON.stringify(a) === JSON.stringify(b);
}
