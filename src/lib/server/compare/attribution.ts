import { parseSuggestionAttrs, type SuggestionAttrs } from '../../redlines/types';
import type { Attribution } from '../../compare/types';

/**
 * Who is behind the Yjs items of a document. Client ids are bound to a person by the server at
 * their first stored update (mou_clients), so they are what the server vouches for; marks are
 * what a (checked) client wrote, used where no person is bound (the server's own decisions).
 */
export interface ClientDirectory {
	/** The person writing with this client id; null for the server's own or an unbound client. */
	client(clientId: number): Attribution | null;
	/** Who rejected or withdrew the suggestion with this mark id, when recorded. */
	undoneBy?(suggestionId: string): Attribution | null;
}

export const NOBODY: ClientDirectory = { client: () => null };

/** Parsed once per mark object: a long document holds thousands of runs under a few hundred marks. */
const parsed = new WeakMap<object, SuggestionAttrs | null>();

export function markAttrs(value: unknown): SuggestionAttrs | null {
	if (typeof value !== 'object' || value === null) return null;
	let attrs = parsed.get(value);
	if (attrs === undefined) parsed.set(value, (attrs = parseSuggestionAttrs(value)));
	return attrs;
}

export function fromMark(mark: SuggestionAttrs): Attribution {
	return { party: mark.party, author: mark.authorName };
}

export const UNKNOWN: Attribution = { party: null };
