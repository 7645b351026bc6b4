import { getContext, setContext } from 'svelte';
import type { ThreadView } from '$lib/comments/types';
import type { Party } from '$lib/mou/party';

/**
 * What the suggestions panel needs to show each suggestion's replies: the page's threads (they
 * reload on the live `comments` notice) and whether this person may reply. The page provides it,
 * so the editor between them does not carry comment data it has no use for.
 */
export interface SuggestionDiscussion {
	readonly threads: readonly ThreadView[];
	readonly canReply: boolean;
	partyName(side: Party): string;
}

const KEY = Symbol('suggestion-discussion');

export function provideSuggestionDiscussion(discussion: SuggestionDiscussion): void {
	setContext(KEY, discussion);
}

/** Null outside a page that provides it (the panel then shows no threads). */
export function useSuggestionDiscussion(): SuggestionDiscussion | null {
	return getContext<SuggestionDiscussion | undefined>(KEY) ?? null;
}
