/** What the editor tells the user when suggesting mode changed or refused what they did. */
export const NOTICES = {
	split: 'While suggesting, a paragraph can be split only at its end, at its start, or inside your own new text.',
	paste: 'While suggesting, several paragraphs can be pasted only at the end of a paragraph or inside your own new text.',
	join: 'While suggesting, paragraphs are joined only when one of them is empty. Delete the text instead; it is marked for deletion.',
	format: 'While suggesting, formatting and paragraph styles can be changed only on your own new text.',
	terms: 'Fill-in terms cannot be added or removed while suggesting; propose a new value in the terms panel instead.',
	undo: 'Undo is not available while suggesting: delete your own new text, or withdraw a suggestion from the list.'
} as const;

export type Notice = (typeof NOTICES)[keyof typeof NOTICES];
