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
	if (kind === INSERTION && from === to) {
		const heading = suggestedHeadingBefore(doc, from, ctx);
		if (heading) return heading;
	}
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

/**
 * Text typed into an empty textblock right after a heading that is wholly the user's own pending
 * insertion (a suggested clause: its title, then its text) continues that heading's suggestion,
 * so the other side decides the clause as one.
 */
function suggestedHeadingBefore(doc: PMNode, pos: number, ctx: SuggestContext): SuggestionAttrs | null {
	const $pos = doc.resolve(pos);
	if (!$pos.parent.isTextblock || $pos.parent.content.size > 0 || $pos.depth === 0) return null;
	const index = $pos.index($pos.depth - 1);
	const previous = index > 0 ? $pos.node($pos.depth - 1).child(index - 1) : null;
	if (previous?.type.name !== 'heading' || previous.childCount === 0) return null;
	let own = true;
	previous.forEach((node) => (own &&= isOwnPending(node, ctx)));
	return own ? insertionOf(previous.lastChild) : null;
}

export function suggestionMarkType(schema: Schema, kind: typeof INSERTION | typeof DELETION) {
	const type = schema.marks[kind];
	if (!type) throw new Error(`The schema has no ${kind} mark`);
	return type;
}
