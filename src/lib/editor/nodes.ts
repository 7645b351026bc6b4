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

export const Term = Node.create({
	name: 'term',
	group: 'inline',
	inline: true,
	atom: true,
	selectable: true,
	addAttributes() {
		return { key: { default: '', parseHTML: (el) => el.getAttribute('data-term') ?? '' } };
	},
	parseHTML() {
		return [{ tag: 'span[data-term]' }];
	},
	renderHTML({ node }) {
		return ['span', { class: 'term', 'data-term': node.attrs.key }, `[${node.attrs.key}]`];
	},
	renderText({ node }) {
		return `[${node.attrs.key}]`;
	}
});

/**
 * A cross-reference to a clause by id ("see [[training.basic]]"). It stores no number: every
 * view numbers it from the clause's current place (src/lib/templates/numbering.ts), so moving
 * or removing clauses never leaves a stale "Section 12" behind.
 */
export const ClauseRef = Node.create({
	name: 'clauseRef',
	group: 'inline',
	inline: true,
	atom: true,
	selectable: true,
	addAttributes() {
		return { target: { default: '', parseHTML: (el) => el.getAttribute('data-clause-ref') ?? '' } };
	},
	parseHTML() {
		return [{ tag: 'span[data-clause-ref]' }];
	},
	renderHTML({ node }) {
		return ['span', { class: 'clause-ref', 'data-clause-ref': node.attrs.target }, `[${node.attrs.target}]`];
	},
	renderText({ node }) {
		return `[${node.attrs.target}]`;
	}
});

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
