import type { DocNode } from './types';

/**
 * Section and clause numbers, computed from where things stand in the draft — never stored —
 * so moving or removing a clause renumbers every cross-reference at once, in the editor, the
 * signing view and the DOCX alike. Sections are the level-2 headings at the top of the body
 * ("3"); clauses under a section are numbered in order ("3.2").
 */

/** What numbering needs of a top-level node, from ProseMirror JSON or a live ProseMirror node. */
export interface OutlineNode {
	type: string;
	level?: number;
	clauseId?: string;
}

export interface Numbering {
	/** Section number of each level-2 heading, by its position among the top-level nodes. */
	sections: Map<number, number>;
	/** "3.2" by clause id (the first copy wins if a clause appears twice). */
	clauses: Map<string, string>;
	/** Clause number by the clause's position among the top-level nodes. */
	byPosition: Map<number, string>;
}

export function numberOutline(nodes: readonly OutlineNode[]): Numbering {
	const numbering: Numbering = { sections: new Map(), clauses: new Map(), byPosition: new Map() };
	let section = 0;
	let clause = 0;
	nodes.forEach((node, position) => {
		if (node.type === 'heading' && node.level === 2) {
			section += 1;
			clause = 0;
			numbering.sections.set(position, section);
		} else if (node.type === 'clause') {
			clause += 1;
			const number = `${section}.${clause}`;
			numbering.byPosition.set(position, number);
			if (node.clauseId && !numbering.clauses.has(node.clauseId)) numbering.clauses.set(node.clauseId, number);
		}
	});
	return numbering;
}

/** The outline of a ProseMirror JSON document. */
export function outlineOf(document: DocNode): OutlineNode[] {
	return (document.content ?? []).map((node) => ({
		type: node.type,
		level: node.type === 'heading' ? Number(node.attrs?.level ?? 0) : undefined,
		clauseId: node.type === 'clause' ? String(node.attrs?.clauseId ?? '') : undefined
	}));
}

export function numberDocument(document: DocNode): Numbering {
	return numberOutline(outlineOf(document));
}

/** How a cross-reference reads: "Section 12.1", or a visible gap when its clause is gone. */
export function referenceLabel(target: string, numbering: Numbering): string {
	const number = numbering.clauses.get(target);
	return number ? `Section ${number}` : '[removed section]';
}

/** Every cross-reference target in the document (with repeats). */
export function referenceTargetsIn(node: DocNode, found: string[] = []): string[] {
	if (node.type === 'clauseRef') found.push(String(node.attrs?.target ?? ''));
	node.content?.forEach((child) => referenceTargetsIn(child, found));
	return found;
}

/** Cross-references whose clause the draft no longer has, as "[[target]]" lines. */
export function danglingReferences(document: DocNode, numbering = numberDocument(document)): string[] {
	return [...new Set(referenceTargetsIn(document).filter((target) => !numbering.clauses.has(target)))];
}

/**
 * The document with every cross-reference written out as its current label ("Section 12.1"),
 * for renderers that only know text (the DOCX). Marks on the reference are kept.
 */
export function resolveReferences(document: DocNode, numbering = numberDocument(document)): DocNode {
	const resolve = (node: DocNode): DocNode => {
		if (node.type === 'clauseRef') {
			const text = referenceLabel(String(node.attrs?.target ?? ''), numbering);
			return node.marks ? { type: 'text', text, marks: node.marks } : { type: 'text', text };
		}
		return node.content ? { ...node, content: node.content.map(resolve) } : node;
	};
	return resolve(document);
}
