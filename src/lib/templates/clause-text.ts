import type { DocNode } from './types';

/** Reading a draft's clauses as comparable text (compliance, state profiles). Pure. */

/**
 * A clause's text for comparison: one line per text block, whitespace collapsed, term nodes as
 * `{{key}}` (so filling a term never counts as an edit), marks ignored.
 */
export function clauseText(node: DocNode): string {
	const lines: string[] = [];
	collectLines(node, lines);
	return lines
		.map((line) => line.replace(/\s+/g, ' ').trim())
		.filter(Boolean)
		.join('\n');
}

function collectLines(node: DocNode, lines: string[]): void {
	const content = node.content ?? [];
	if (content.some(isInline)) {
		lines.push(content.map(inlineText).join(''));
		return;
	}
	for (const child of content) collectLines(child, lines);
}

function isInline(node: DocNode): boolean {
	return node.type === 'text' || node.type === 'term' || node.type === 'clauseRef' || node.type === 'hardBreak';
}

function inlineText(node: DocNode): string {
	if (node.type === 'text') return node.text ?? '';
	if (node.type === 'term') return `{{${String(node.attrs?.key ?? '')}}}`;
	if (node.type === 'clauseRef') return `[[${String(node.attrs?.target ?? '')}]]`;
	return ' ';
}

export interface DraftClause {
	clauseId: string;
	title?: string;
	nasro: string[];
	text: string;
}

export function draftClauses(document: DocNode): DraftClause[] {
	const found: DraftClause[] = [];
	const visit = (node: DocNode) => {
		if (node.type === 'clause') {
			found.push({
				clauseId: String(node.attrs?.clauseId ?? ''),
				title: String(node.attrs?.title ?? ''),
				nasro: String(node.attrs?.nasro ?? '')
					.split(/\s+/)
					.filter(Boolean),
				text: clauseText(node)
			});
			return;
		}
		node.content?.forEach(visit);
	};
	visit(document);
	return found;
}

/** Term keys used under `node`. */
export function termKeysIn(node: DocNode, keys = new Set<string>()): Set<string> {
	if (node.type === 'term') keys.add(String(node.attrs?.key ?? ''));
	node.content?.forEach((child) => termKeysIn(child, keys));
	return keys;
}
