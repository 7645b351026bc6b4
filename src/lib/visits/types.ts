/** What arrived on an MOU since a person last looked at it; built on the server, stepped through on the page. */
export type ChangeKind = 'suggestion' | 'comment' | 'decision';

export interface ChangeItem {
	kind: ChangeKind;
	/** Suggestion id (mark or term proposal), comment id, or timeline event id. */
	id: string;
	/** For a comment: its thread (the panel shows threads). */
	threadId?: string;
	/** For a reply on a suggestion: the suggestion (shown in the text and the suggestions panel). */
	suggestionId?: string;
	/** For a proposed term value: the term (its field is in the terms panel). */
	termKey?: string;
	/** What a screen reader announces when the item is focused. */
	label: string;
}

export interface WhatChanged {
	/** When they last left the page; null on their first visit (nothing is "new" then). */
	since: Date | null;
	counts: Record<ChangeKind, number>;
	items: ChangeItem[];
}

const NOUNS: Record<ChangeKind, [string, string]> = {
	suggestion: ['suggestion', 'suggestions'],
	comment: ['comment', 'comments'],
	decision: ['decision', 'decisions']
};

/** "2 suggestions, 1 comment" — the kinds that have any, in a fixed order; '' when none. */
export function describeCounts(counts: Record<ChangeKind, number>): string {
	return (Object.keys(NOUNS) as ChangeKind[])
		.filter((kind) => counts[kind] > 0)
		.map((kind) => `${counts[kind]} ${NOUNS[kind][counts[kind] === 1 ? 0 : 1]}`)
		.join(', ');
}
