import { Extension } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type NodeView } from '@tiptap/pm/view';
import { numberOutline, referenceLabel, type Numbering as OutlineNumbering } from '../templates/numbering';

/**
 * Live section and clause numbers in the editor: node decorations carry "3" on section headings,
 * "3.2" on clauses and "Section 3.2" on cross-references, recomputed on every change, so the
 * screen, the signing view and the DOCX (same numbering rules) always agree.
 */

export const numberingKey = new PluginKey<DecorationSet>('numbering');

export interface NumberingOptions {
	/** Clause ids that do not print now (empty optional signature blocks): unnumbered, as in the DOCX. */
	unprinted: () => ReadonlySet<string>;
}

function numberingOf(doc: PMNode, unprinted: ReadonlySet<string>): OutlineNumbering {
	const outline: { type: string; level?: number; clauseId?: string }[] = [];
	doc.forEach((node) => {
		const clauseId = node.type.name === 'clause' ? String(node.attrs.clauseId ?? '') : undefined;
		outline.push({
			// The DOCX leaves an unprinted block out before numbering; here it keeps its place, unnumbered.
			type: clauseId && unprinted.has(clauseId) ? 'unprinted' : node.type.name,
			level: node.type.name === 'heading' ? Number(node.attrs.level) : undefined,
			clauseId
		});
	});
	return numberOutline(outline);
}

function decorate(doc: PMNode, unprinted: ReadonlySet<string>): DecorationSet {
	const numbering = numberingOf(doc, unprinted);
	const decorations: Decoration[] = [];
	let index = 0;
	doc.forEach((node, offset) => {
		const section = numbering.sections.get(index);
		const clause = numbering.byPosition.get(index);
		if (section !== undefined) {
			decorations.push(Decoration.node(offset, offset + node.nodeSize, { 'data-number': `${section}` }, { number: `${section}` }));
		} else if (clause !== undefined) {
			decorations.push(Decoration.node(offset, offset + node.nodeSize, { 'data-number': clause }, { number: clause }));
		}
		index += 1;
	});
	doc.descendants((node, pos) => {
		if (node.type.name !== 'clauseRef') return;
		const label = referenceLabel(String(node.attrs.target ?? ''), numbering);
		decorations.push(Decoration.node(pos, pos + node.nodeSize, {}, { label }));
	});
	return DecorationSet.create(doc, decorations);
}

export const Numbering = Extension.create<NumberingOptions>({
	name: 'numbering',
	addOptions() {
		return { unprinted: () => new Set<string>() };
	},
	addProseMirrorPlugins() {
		const { unprinted } = this.options;
		return [
			new Plugin<DecorationSet>({
				key: numberingKey,
				state: {
					init: (_, state) => decorate(state.doc, unprinted()),
					// A refresh meta: a term that decides whether an optional block prints changed.
					apply: (tr, set) => (tr.docChanged || tr.getMeta(numberingKey) ? decorate(tr.doc, unprinted()) : set)
				},
				props: { decorations: (state) => numberingKey.getState(state) }
			})
		];
	}
});

/** The number a node decoration gave this node, if any. */
export function decoratedSpec(decorations: readonly Decoration[], field: 'number' | 'label'): string | undefined {
	for (const decoration of decorations) {
		const value = (decoration.spec as Record<string, unknown>)[field];
		if (typeof value === 'string') return value;
	}
	return undefined;
}

/** A cross-reference, shown as the number its clause has now. */
export class ClauseRefView implements NodeView {
	readonly dom: HTMLElement;

	constructor(
		private node: PMNode,
		decorations: readonly Decoration[]
	) {
		this.dom = document.createElement('span');
		this.dom.className = 'clause-ref';
		this.render(decorations);
	}

	update(node: PMNode, decorations: readonly Decoration[]): boolean {
		if (node.type !== this.node.type) return false;
		this.node = node;
		this.render(decorations);
		return true;
	}

	ignoreMutation(): boolean {
		return true;
	}

	private render(decorations: readonly Decoration[]): void {
		const label = decoratedSpec(decorations, 'label') ?? 'Section';
		this.dom.textContent = label;
		this.dom.dataset.clauseRef = String(this.node.attrs.target ?? '');
		this.dom.classList.toggle('clause-ref--dangling', label.startsWith('['));
		this.dom.title = label.startsWith('[') ? 'This cross-reference points at a clause the draft no longer has.' : `Cross-reference to ${label}`;
	}
}
