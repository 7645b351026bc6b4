import {
	BorderStyle,
	FileChild,
	Paragraph,
	ShadingType,
	Table,
	TableCell,
	TableRow,
	TextRun,
	WidthType,
	type IParagraphOptions,
	type ParagraphChild
} from 'docx';
import type { DocNode } from '../../../templates/types';
import type { CommentPlan, TextBlock } from './comments';
import { plainText, renderInline, segmentsOf, xmlSafe, type Segment } from './inline';
import type { RenderState } from './state';
import { BULLETS, MAX_LIST_LEVEL, ORDERED, OUTLINE, STYLE, TEXT_WIDTH } from './styles';

/**
 * The document's blocks → Word paragraphs and tables, following the structure the editor holds:
 * the first level-1 heading is the title; level-2 headings are the numbered sections ("3.");
 * clauses under them are numbered "3.1", "3.2" with their title as a heading; lists use Word
 * numbering; tables keep their header row (repeated on each page); a page break node starts the
 * next block on a new page. Numbers are computed, so they read the same in every program.
 */

export interface BodyOptions {
	state: RenderState;
	comments?: CommentPlan;
	/** Redlines say which clauses are locked (required language) under the clause title. */
	lockNotes: boolean;
	/**
	 * By clause id: drop the clause, or keep only its prose (no tables, no blank "____" lines) and
	 * add blocks after it — the signed copy's executed signature blocks.
	 */
	clauseOverride?: (clauseId: string) => { prose: boolean; append: FileChild[] } | 'drop' | undefined;
}

interface Walk extends BodyOptions {
	segments: Map<DocNode, Segment[]>;
	titleSeen: boolean;
	section: number;
	clause: number;
	pageBreakPending: boolean;
}

interface Place {
	style: string;
	/** Extra left indent (twips), inside list items and quotations. */
	indent?: number;
	list?: { reference: string; level: number; instance?: number };
	bold?: boolean;
}

const TEXTBLOCKS = new Set(['paragraph', 'heading', 'codeBlock']);

/** Every paragraph and heading with the text a reader sees, in reading order (comments are placed on them). */
export function textBlocks(body: DocNode, state: RenderState, segments = new Map<DocNode, Segment[]>()): TextBlock[] {
	const out: TextBlock[] = [];
	const visit = (node: DocNode) => {
		if (TEXTBLOCKS.has(node.type)) {
			const list = segmentsFor(node, segments);
			out.push({ node, text: plainText(list, state), segments: list });
			return;
		}
		for (const child of node.content ?? []) visit(child);
	};
	visit(body);
	return out;
}

function segmentsFor(node: DocNode, cache: Map<DocNode, Segment[]>): Segment[] {
	let list = cache.get(node);
	if (!list) cache.set(node, (list = segmentsOf(node.content)));
	return list;
}

export function renderBody(body: DocNode, options: BodyOptions, segments = new Map<DocNode, Segment[]>()): FileChild[] {
	const walk: Walk = { ...options, segments, titleSeen: false, section: 0, clause: 0, pageBreakPending: false };
	const out = blocks(body.content ?? [], walk, { style: STYLE.body });
	if (walk.pageBreakPending) out.push(paragraph(walk, { style: STYLE.body }, []));
	return out;
}

function blocks(nodes: readonly DocNode[], walk: Walk, place: Place): FileChild[] {
	const out: FileChild[] = [];
	for (const node of nodes) out.push(...block(node, walk, place));
	return out;
}

function block(node: DocNode, walk: Walk, place: Place): FileChild[] {
	switch (node.type) {
		case 'heading':
			return [heading(node, walk, place)];
		case 'paragraph':
			return pruned(node, walk) ? [paragraph(walk, place, inline(node, walk))] : [];
		case 'clause':
			return clause(node, walk, place);
		case 'bulletList':
		case 'orderedList':
			return list(node, walk, place);
		case 'table':
			return table(node, walk, place);
		case 'pageBreak':
			walk.pageBreakPending = true;
			return [];
		case 'blockquote':
			return blocks(node.content ?? [], walk, { ...place, style: STYLE.quote });
		case 'codeBlock':
			return [codeBlock(node, walk, place)];
		case 'horizontalRule':
			return [
				paragraph(walk, { ...place }, [], {
					border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '808080', space: 1 } }
				})
			];
		default:
			// Unknown containers still show their text rather than dropping it.
			return node.content ? blocks(node.content, walk, place) : [];
	}
}

/** A clean copy leaves out the sentences of blank optional terms (the paragraph too, if nothing is left). */
function pruned(node: DocNode, walk: Walk): boolean {
	const kept = walk.state.prune(segmentsFor(node, walk.segments));
	if (kept) walk.segments.set(node, kept);
	return kept !== null;
}

function inline(node: DocNode, walk: Walk): ParagraphChild[] {
	return renderInline(segmentsFor(node, walk.segments), walk.state, walk.comments?.rangesFor(node));
}

/** Every paragraph goes through here, so a pending page break lands on the next one. */
function paragraph(walk: Walk, place: Place, children: ParagraphChild[], extra: Partial<IParagraphOptions> = {}): Paragraph {
	const pageBreakBefore = walk.pageBreakPending || undefined;
	walk.pageBreakPending = false;
	return new Paragraph({
		style: place.style,
		children,
		pageBreakBefore,
		numbering: place.list ? { reference: place.list.reference, level: place.list.level, instance: place.list.instance } : undefined,
		indent: place.indent && !place.list ? { left: place.indent } : undefined,
		...extra
	});
}

function heading(node: DocNode, walk: Walk, place: Place): Paragraph {
	const level = Number(node.attrs?.level ?? 1);
	const runs = inline(node, walk);
	if (level === 1 && !walk.titleSeen) {
		walk.titleSeen = true;
		return paragraph(walk, { ...place, style: STYLE.title }, runs);
	}
	if (level <= 2) {
		walk.section += 1;
		walk.clause = 0;
		// Word numbers the heading (numbering.xml), so a lawyer's edits in Word renumber too.
		return paragraph(walk, { ...place, style: STYLE.section, list: { reference: OUTLINE, level: 0 } }, runs);
	}
	return paragraph(walk, { ...place, style: STYLE.heading }, runs);
}

function clause(node: DocNode, walk: Walk, place: Place): FileChild[] {
	const override = walk.clauseOverride?.(String(node.attrs?.clauseId ?? ''));
	if (override === 'drop') return [];
	walk.clause += 1;
	const title = xmlSafe(String(node.attrs?.title ?? '').trim()) || 'Untitled clause';
	const out: FileChild[] = [paragraph(walk, { ...place, style: STYLE.clause, list: { reference: OUTLINE, level: 1 } }, [new TextRun(title)])];
	if (walk.lockNotes && node.attrs?.locked) {
		out.push(paragraph(walk, { ...place, style: STYLE.note }, [new TextRun(xmlSafe(lockNote(node.attrs.nasro)))]));
	}
	if (!override) out.push(...blocks(node.content ?? [], walk, place));
	else {
		const prose = (child: DocNode) => child.type === 'paragraph' && !plainText(segmentsFor(child, walk.segments), walk.state).includes('___');
		if (override.prose) out.push(...blocks((node.content ?? []).filter(prose), walk, place));
		out.push(...override.append);
	}
	return out;
}

/** "Required — NASRO 01.01.03, 01.01.04 (locked: …)": the editor's lock badge, in words. */
export function lockNote(nasro: unknown): string {
	const ids = typeof nasro === 'string' ? nasro.split(/\s+/).filter(Boolean) : [];
	const cite = ids.length ? ` — NASRO ${ids.join(', ')}` : '';
	return `Required${cite}. Locked in MOU Studio: standard language the national standards require; neither party can change or remove it.`;
}

function list(node: DocNode, walk: Walk, place: Place): FileChild[] {
	const ordered = node.type === 'orderedList';
	const level = place.list ? Math.min(place.list.level + 1, MAX_LIST_LEVEL) : 0;
	const reference = ordered ? ORDERED : BULLETS;
	// Each ordered list is its own numbering instance, so it starts at 1; nested ones inherit nothing.
	const instance = ordered ? ++walk.state.listInstances : 0;
	const out: FileChild[] = [];
	for (const item of node.content ?? []) {
		let first = true;
		for (const child of item.content ?? []) {
			if (child.type === 'bulletList' || child.type === 'orderedList') {
				out.push(...list(child, walk, { ...place, list: { reference, level, instance } }));
				continue;
			}
			const itemPlace: Place = first ? { ...place, list: { reference, level, instance } } : { ...place, list: undefined, indent: 720 * (level + 1) };
			out.push(...block(child, walk, itemPlace));
			first = false;
		}
	}
	return out;
}

function table(node: DocNode, walk: Walk, _place: Place): FileChild[] {
	const rows = (node.content ?? []).filter((row) => row.type === 'tableRow' && row.content?.length);
	if (!rows.length) return [];
	const columns = Math.max(...rows.map((row) => row.content!.reduce((n, cell) => n + span(cell.attrs?.colspan), 0)));
	const width = Math.floor(TEXT_WIDTH / columns);
	const out: FileChild[] = [];
	// A table cannot carry "page break before": a pending break goes on an empty paragraph first.
	if (walk.pageBreakPending) out.push(paragraph(walk, { style: STYLE.body }, []));
	out.push(
		new Table({
			width: { size: 100, type: WidthType.PERCENTAGE },
			columnWidths: Array.from({ length: columns }, () => width),
			rows: rows.map((row, index) => {
				const header = row.content!.every((cell) => cell.type === 'tableHeader');
				return new TableRow({
					tableHeader: header && index === 0,
					cantSplit: true,
					children: row.content!.map((cell) => tableCell(cell, walk, width))
				});
			})
		})
	);
	// Word needs a paragraph between two tables, or it merges them.
	out.push(paragraph(walk, { style: STYLE.cell }, []));
	return out;
}

function tableCell(cell: DocNode, walk: Walk, width: number): TableCell {
	const isHeader = cell.type === 'tableHeader';
	const columnSpan = span(cell.attrs?.colspan);
	// Blocks are only ever paragraphs and tables, which is what a cell may hold.
	const children = blocks(cell.content ?? [], walk, { style: isHeader ? STYLE.cellHeader : STYLE.cell }) as (Paragraph | Table)[];
	return new TableCell({
		children: children.length ? children : [new Paragraph({ style: STYLE.cell })],
		columnSpan: columnSpan > 1 ? columnSpan : undefined,
		rowSpan: span(cell.attrs?.rowspan) > 1 ? span(cell.attrs?.rowspan) : undefined,
		width: { size: width * columnSpan, type: WidthType.DXA },
		shading: isHeader ? { type: ShadingType.CLEAR, fill: 'E7E6E6', color: 'auto' } : undefined,
		margins: { top: 40, bottom: 40, left: 100, right: 100 }
	});
}

function span(value: unknown): number {
	const n = Number(value ?? 1);
	return Number.isInteger(n) && n >= 1 && n <= 50 ? n : 1;
}

function codeBlock(node: DocNode, walk: Walk, place: Place): Paragraph {
	// Line breaks in the code become Word line breaks (segmentsOf splits them out).
	return paragraph(walk, { ...place, style: STYLE.code }, inline(node, walk));
}
