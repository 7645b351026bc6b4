import type { CommentView, ThreadView, Visibility } from './types';

/**
 * A suggestion's replies as one conversation: its shared thread and the reader's own party's
 * internal one (the server never sends the other party's), merged in the order they were written.
 */
export interface SuggestionReply extends CommentView {
	visibility: Visibility;
}

export function repliesTo(threads: readonly ThreadView[], suggestionId: string): SuggestionReply[] {
	return threads
		.filter((thread) => thread.suggestionId === suggestionId)
		.flatMap((thread) => thread.comments.map((comment) => ({ ...comment, visibility: thread.visibility })))
		.sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime());
}

/** Threads on selected text (the comments panel's), apart from threads on suggestions. */
export function textThreads(threads: readonly ThreadView[]): ThreadView[] {
	return threads.filter((thread) => !thread.suggestionId);
}

export function suggestionThreads(threads: readonly ThreadView[]): ThreadView[] {
	return threads.filter((thread) => thread.suggestionId);
}

export function replyCount(count: number): string {
	return `${count} ${count === 1 ? 'reply' : 'replies'}`;
}
