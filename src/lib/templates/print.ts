import type { DocNode, Template, TermValues } from './types';

/**
 * Optional blocks (a board president's or a clerk's signature block) print only once the term
 * that names their signer is filled, so no export or signing view shows an empty "By: ____".
 */

/** Clause id → the term whose value makes it print, for the template's optional blocks. */
export function printConditions(template: Template): Record<string, string> {
	const conditions: Record<string, string> = {};
	for (const clause of template.sections.flatMap((section) => section.clauses)) {
		if (clause.printWhen) conditions[clause.id] = clause.printWhen;
	}
	return conditions;
}

/** Clause ids of the optional blocks whose term is still empty. */
export function hiddenClauseIds(conditions: Record<string, string>, values: TermValues): Set<string> {
	return new Set(
		Object.entries(conditions)
			.filter(([, key]) => !values[key]?.trim())
			.map(([id]) => id)
	);
}

/** The document without the optional blocks that have nothing to print. */
export function printableDocument(document: DocNode, template: Template | Record<string, string>, values: TermValues): DocNode {
	const conditions = 'sections' in template ? printConditions(template as Template) : (template as Record<string, string>);
	const hidden = hiddenClauseIds(conditions, values);
	if (hidden.size === 0) return document;
	const content = (document.content ?? []).filter((node) => !(node.type === 'clause' && hidden.has(String(node.attrs?.clauseId ?? ''))));
	return { ...document, content };
}
