import { parseInline } from './inline';
import type { Block, Clause, DocNode, Template } from './types';

/**
 * Template → ProseMirror JSON for the schema in src/lib/editor/schema.ts. Pure, so the browser
 * can render the template text (compliance comparisons, "restore clause") exactly as the server
 * seeds it.
 */

export function templateToDocument(template: Template): DocNode {
	const content: DocNode[] = [heading(1, template.title)];
	for (const section of template.sections) {
		if (section.pageBreakBefore) content.push({ type: 'pageBreak' });
		content.push(heading(2, section.heading));
		content.push(...section.clauses.map(clauseToNode));
	}
	return { type: 'doc', content };
}

/** One template clause as a `clause` node; required clauses are locked. */
export function clauseToNode(clause: Clause): DocNode {
	return {
		type: 'clause',
		attrs: {
			clauseId: clause.id,
			title: clause.title,
			level: clause.level,
			nasro: clause.nasro.join(' '),
			locked: clause.level === 'required'
		},
		content: clause.body.map(blockToNode)
	};
}

function blockToNode(block: Block): DocNode {
	if (typeof block === 'string') return paragraph(block);
	if ('list' in block) return list('bulletList', block.list);
	if ('ordered' in block) return list('orderedList', block.ordered);
	if ('table' in block) return table(block.table.header, block.table.rows);
	return { type: 'pageBreak' };
}

function heading(level: number, text: string): DocNode {
	return { type: 'heading', attrs: { level }, content: [{ type: 'text', text }] };
}

function paragraph(source: string): DocNode {
	const content = inlineNodes(source);
	return content.length ? { type: 'paragraph', content } : { type: 'paragraph' };
}

function list(type: 'bulletList' | 'orderedList', items: string[]): DocNode {
	return { type, content: items.map((item) => ({ type: 'listItem', content: [paragraph(item)] })) };
}

function table(header: string[], rows: string[][]): DocNode {
	const row = (cellType: 'tableHeader' | 'tableCell', cells: string[]): DocNode => ({
		type: 'tableRow',
		content: cells.map((cell) => ({ type: cellType, content: [paragraph(cell)] }))
	});
	return { type: 'table', content: [row('tableHeader', header), ...rows.map((r) => row('tableCell', r))] };
}

function inlineNodes(source: string): DocNode[] {
	return parseInline(source).map((run) => {
		// Yjs keeps no marks on inline atoms, so terms never carry any (the linter flags them).
		if (run.kind === 'term') return { type: 'term', attrs: { key: run.key } };
		if (run.kind === 'ref') return { type: 'clauseRef', attrs: { target: run.target } };
		const marks = [...(run.bold ? [{ type: 'bold' }] : []), ...(run.italic ? [{ type: 'italic' }] : [])];
		return marks.length ? { type: 'text', text: run.text, marks } : { type: 'text', text: run.text };
	});
}
