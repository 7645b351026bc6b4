/** Comment threads as the comments panel shows them; built on the server, shared with the page. */
import type { Party } from '../mou/party';

/** Shared threads are read by both parties; internal ones only by their own party. */
export type Visibility = 'shared' | 'internal';

export interface CommentView {
	id: string;
	authorName: string;
	organizationName: string | null;
	party: Party;
	body: string;
	createdAt: Date;
	mine: boolean;
}

export interface ThreadView {
	id: string;
	visibility: Visibility;
	party: Party;
	quote: string;
	anchor: unknown;
	createdAt: Date;
	resolvedAt: Date | null;
	resolvedByName: string | null;
	/** A thread on a suggestion (tracked change or term proposal) rather than on selected text. */
	suggestionId: string | null;
	comments: CommentView[];
}

/** Someone an `@name` in a comment may name (never their address); whether they read internal comments of the reader's party. */
export interface MentionablePerson {
	id: string;
	name: string;
	party: Party;
	readsInternal: boolean;
}
