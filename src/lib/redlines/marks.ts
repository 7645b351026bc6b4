import { Mark, mergeAttributes } from '@tiptap/core';
import { DELETION, INSERTION } from './types';

/**
 * Insertion and deletion marks. Their attributes are the SuggestionAttrs; y-tiptap stores them
 * as the Y.XmlText formatting attribute of the same name. Not inclusive: typing next to someone's
 * suggestion never extends it (the suggestion mode marks new text itself).
 */
function suggestionMark(name: typeof INSERTION | typeof DELETION, tag: 'ins' | 'del') {
	return Mark.create({
		name,
		inclusive: false,
		// Above formatting marks, so the ins/del element wraps bold/italic runs.
		priority: 1000,
		addAttributes() {
			return {
				id: { default: '', rendered: false },
				party: { default: 'agency', rendered: false },
				authorId: { default: '', rendered: false },
				authorName: { default: '', rendered: false },
				at: { default: '', rendered: false }
			};
		},
		parseHTML() {
			return [{ tag: `${tag}[data-suggestion]` }];
		},
		renderHTML({ mark, HTMLAttributes }) {
			const { id, party, authorName, at } = mark.attrs;
			return [
				tag,
				mergeAttributes(HTMLAttributes, {
					'data-suggestion': id,
					'data-party': party,
					class: `suggestion ${name} party-${party}`,
					title: `${name === INSERTION ? 'Inserted' : 'Deleted'} by ${authorName} (${party}), ${at}`
				}),
				0
			];
		}
	});
}

export const Insertion = suggestionMark(INSERTION, 'ins');
export const Deletion = suggestionMark(DELETION, 'del');
