import type { Mark, Node as PMNode, Schema } from '@tiptap/pm/model';
import { DELETION, INSERTION, newSuggestionId, type Party, type SuggestionAttrs } from '../../redlines/types';

/** Who is suggesting: the signed-in counsel (the server checks every field against the connection). */
export interface SuggestUser {
	id: string;
	name: string;
	side: Party;
}

export interface SuggestContext {
	user: SuggestUser;
	/** ISO time stamp for new suggestions (injectable for tests). */
	now(): string;
	newId(): string;
}

export function suggestContext(user: SuggestUser, now = () => new Date().toISOString(), newId = newSuggestionId): SuggestContext {
	return { user, now, newId };
}

function markAttrs(node: PMNode | null | undefined, kind: string): SuggestionAttrs | null {
	if (!node) return null;
	const mark = node.marks.find((m) => m.type.name === kind);
	return mark ? (mark.attrs as SuggestionAttrs) : null;
}

export const insertionOf = (node: PMNode | null | undefined) => markAttrs(node, INSERTION);
export const deletionOf = (node: PMNode | null | undefined) => markAttrs(node, DELETION);

export function isSuggestionMark(mark: Mark): boolean {
	return mark.type.name === INSERTION || mark.type.name === DELETION;
}

/** Written by this very user: only such text may be re-created (split, restyled) — the server requires authorId = writer. */
export function byAuthor(attrs: SuggestionAttrs | null, ctx: SuggestContext): boolean {
	return attrs !== null && attrs.authorId === ctx.user.id && attrs.party === ctx.user.side;
}

/** Text this user inserted and nobody proposes to delete: free to restructure, restyle or erase. */
export function isOwnPending(node: PMNode, ctx: SuggestContext): boolean {
	return node.isText && byAuthor(insertionOf(node), ctx) && !deletionOf(node);
}

/** True when every inline node in [from, to) is the user's own pending text (vacuously for no text). */
export function onlyOwnPending(doc: PMNode, from: number, to: number, ctx: SuggestContext): boolean {
	let ok = true;
	doc.nodesBetween(from, to, (node) => {
		if (!ok) return false;
		if (node.isInline) {
			if (!isOwnPending(node, ctx)) ok = false;
			return false;
		}
		return true;
	});
	return ok;
}

export function freshAttrs(ctx: SuggestContext): SuggestionAttrs {
	const { id, name, side } = ctx.user;
	return { id: ctx.newId(), party: side, authorId: id, authorName: name, at: ctx.now() };
}

/**
 * The user's own suggestion of `kind` right next to [from, to], if any: new text or a new
 * deletion continues it (same id and time) instead of starting a separate suggestion.
 */
export function adjacentOwn(doc: PMNode, from: number, to: number, kind: typeof INSERTION | typeof DELETION, ctx: SuggestContext): SuggestionAttrs | null {
	const before = doc.resolve(from).nodeBefore;
	const after = doc.resolve(to).nodeAfter;
	for (const node of [before, after]) {
		if (!node?.isText) continue;
		const attrs = markAttrs(node, kind);
		if (!byAuthor(attrs, ctx)) continue;
		if (kind === INSERTION && deletionOf(node)) continue;
		return attrs;
	}
	return null;
}

export function suggestionMarkType(schema: Schema, kind: typeof INSERTION | typeof DELETION) {
	const type = schema.marks[kind];
	if (!type) throw new Error(`The schema has no ${kind} mark`);
	return type;
}
