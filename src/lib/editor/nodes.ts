import { Node, mergeAttributes } from '@tiptap/core';

/**
 * The document model every part of MOU Studio shares (editor, server, export):
 * clauses wrap a template provision's text; terms are fill-in values shown inline;
 * page breaks are where the template asks for a new page.
 */

export type ClauseLevel = 'required' | 'recommended' | 'standard' | 'custom';

export const Clause = Node.create({
	name: 'clause',
	group: 'block',
	content: 'block+',
	defining: true,
	isolating: true,
	draggable: false,
	addAttributes() {
		return {
			clauseId: { default: null, parseHTML: (el) => el.getAttribute('data-clause-id') },
			title: { default: '', parseHTML: (el) => el.getAttribute('data-title') ?? '' },
			level: { default: 'custom', parseHTML: (el) => el.getAttribute('data-level') ?? 'custom' },
			nasro: { default: '', parseHTML: (el) => el.getAttribute('data-nasro') ?? '' },
			locked: { default: false, parseHTML: (el) => el.getAttribute('data-locked') === 'true' }
		};
	},
	parseHTML() {
		return [{ tag: 'section[data-clause-id]' }];
	},
	renderHTML({ node, HTMLAttributes }) {
		return [
			'section',
			mergeAttributes(HTMLAttributes, {
				class: 'clause',
				'data-clause-id': node.attrs.clauseId,
				'data-title': node.attrs.title,
				'data-level': node.attrs.level,
				'data-nasro': node.attrs.nasro,
				'data-locked': node.attrs.locked ? 'true' : 'false'
			}),
			0
		];
	}
});

/**
 * An inline atom that stands for one named thing, kept in one attribute (stored in the HTML as
 * `dataAttribute`) and shown as `[name]` wherever the document is read as text.
 */
function namedAtom(name: string, attribute: string, dataAttribute: string, className: string) {
	return Node.create({
		name,
		group: 'inline',
		inline: true,
		atom: true,
		selectable: true,
		addAttributes() {
			return { [attribute]: { default: '', parseHTML: (el) => el.getAttribute(dataAttribute) ?? '' } };
		},
		parseHTML() {
			return [{ tag: `span[${dataAttribute}]` }];
		},
		renderHTML({ node }) {
			return ['span', { class: className, [dataAttribute]: node.attrs[attribute] }, `[${node.attrs[attribute]}]`];
		},
		renderText({ node }) {
			return `[${node.attrs[attribute]}]`;
		}
	});
}

/** A fill-in term by its key; its value is kept beside the text, in the document's `terms` root. */
export const Term = namedAtom('term', 'key', 'data-term', 'term');

/**
 * A cross-reference to a clause by id ("see [[training.basic]]"). It stores no number: every
 * view numbers it from the clause's current place (src/lib/templates/numbering.ts), so moving
 * or removing clauses never leaves a stale "Section 12" behind.
 */
export const ClauseRef = namedAtom('clauseRef', 'target', 'data-clause-ref', 'clause-ref');

export const PageBreak = Node.create({
	name: 'pageBreak',
	group: 'block',
	atom: true,
	parseHTML() {
		return [{ tag: 'hr[data-page-break]' }];
	},
	renderHTML() {
		return ['hr', { 'data-page-break': 'true', class: 'page-break', 'aria-label': 'Page break' }];
	}
});
