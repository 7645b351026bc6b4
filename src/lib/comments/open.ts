import type { ThreadView } from './types';

/** A shared thread nobody has resolved: what approving should not pass over silently. */
export interface OpenThread {
	id: string;
	quote: string;
	author: string;
	text: string;
}

/** Suggestion threads are not among them: every suggestion is decided before approval anyway. */
export function openSharedThreads(threads: readonly ThreadView[]): OpenThread[] {
	return threads
		.filter((t) => t.visibility === 'shared' && !t.resolvedAt && !t.suggestionId)
		.map((t) => {
			const last = t.comments.at(-1);
			const text = (last?.body ?? '').replace(/\s+/g, ' ').trim();
			return {
				id: t.id,
				quote: t.quote,
				author: last ? `${last.authorName}${last.organizationName ? `, ${last.organizationName}` : ''}` : '',
				text: text.length > 140 ? `${text.slice(0, 139)}…` : text
			};
		});
}

/** The form field by which a person confirms approving with those threads open. */
export const CONFIRM_OPEN_FIELD = 'approveWithOpenComments';
