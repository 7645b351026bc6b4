import {
	BuilderElement,
	CommentRangeEnd,
	CommentRangeStart,
	CommentReference,
	DeletedTextRun,
	ExternalHyperlink,
	InsertedTextRun,
	TextRun,
	type IRunOptions,
	type ParagraphChild
} from 'docx';
import { DELETION, INSERTION, parseSuggestionAttrs, type SuggestionAttrs } from '../../../redlines/types';
import type { DocNode } from '../../../templates/types';
import type { RenderState } from './state';
import { MONO_FONT } from './styles';

/**
 * Inline content (text with marks, terms, hard breaks) → Word runs. In a redline, each
 * insertion/deletion mark becomes a real tracked change (w:ins / w:del, author and date from the
 * mark), so counsel can accept or reject it in Word; text inserted by one party and struck by the
 * other is w:ins around w:del, as Word itself writes it. A clean copy shows the text as if no
 * suggestion had been made: struck text stays, proposed text is left out.
 */

export interface Marks {
	bold?: boolean;
	italic?: boolean;
	underline?: boolean;
	strike?: boolean;
	code?: boolean;
	link?: string;
	insertion?: SuggestionAttrs;
	deletion?: SuggestionAttrs;
}

export type Segment = { kind: 'text'; text: string; marks: Marks } | { kind: 'term'; key: string } | { kind: 'break' };

/** A comment's place in one paragraph, in the paragraph's plain-text offsets. */
export interface CommentRange {
	id: number;
	start: number;
	end: number;
}

// Characters XML 1.0 forbids (a stray one would make Word refuse the whole file).
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlSafe(text: string): string {
	return text.replace(INVALID_XML, '');
}

const SAFE_LINK = /^(https?:|mailto:)/i;

export function segmentsOf(content: readonly DocNode[] | undefined): Segment[] {
	const segments: Segment[] = [];
	for (const node of content ?? []) {
		if (node.type === 'text' && node.text) {
			// Line breaks inside text (code blocks) become Word line breaks.
			const marks = marksOf(node);
			xmlSafe(node.text)
				.split('\n')
				.forEach((text, i) => {
					if (i) segments.push({ kind: 'break' });
					if (text) segments.push({ kind: 'text', text, marks });
				});
		} else if (node.type === 'term') segments.push({ kind: 'term', key: String(node.attrs?.key ?? '') });
		else if (node.type === 'hardBreak') segments.push({ kind: 'break' });
	}
	return segments;
}

function marksOf(node: DocNode): Marks {
	const marks: Marks = {};
	for (const mark of node.marks ?? []) {
		switch (mark.type) {
			case 'bold':
				marks.bold = true;
				break;
			case 'italic':
				marks.italic = true;
				break;
			case 'underline':
				marks.underline = true;
				break;
			case 'strike':
				marks.strike = true;
				break;
			case 'code':
				marks.code = true;
				break;
			case 'link': {
				const href = typeof mark.attrs?.href === 'string' ? mark.attrs.href.trim() : '';
				if (SAFE_LINK.test(href)) marks.link = href;
				break;
			}
			case INSERTION:
				marks.insertion = parseSuggestionAttrs(mark.attrs) ?? undefined;
				break;
			case DELETION:
				marks.deletion = parseSuggestionAttrs(mark.attrs) ?? undefined;
				break;
		}
	}
	return marks;
}

/** The text a reader sees in the paragraph (comment quotes are matched against it). */
export function plainText(segments: readonly Segment[], state: RenderState): string {
	return segments.map((s) => (s.kind === 'text' ? s.text : s.kind === 'term' ? state.termText(s.key).text : ' ')).join('');
}

/** The paragraph's runs, with comment ranges placed at their offsets. */
export function renderInline(segments: readonly Segment[], state: RenderState, ranges: readonly CommentRange[] = []): ParagraphChild[] {
	const out: ParagraphChild[] = [];
	const cuts = new Set<number>();
	for (const range of ranges) cuts.add(range.start).add(range.end);
	let offset = 0;
	// Markers go out at the first position at or past their offset: a quote that starts or ends
	// inside a term (an atom) takes the whole term.
	const opened = new Set<number>();
	const closed = new Set<number>();
	const markersAt = (position: number) => {
		for (const range of ranges) {
			if (opened.has(range.id) && !closed.has(range.id) && range.end <= position) {
				closed.add(range.id);
				out.push(new CommentRangeEnd(range.id), new TextRun({ children: [new CommentReference(range.id)] }));
			}
		}
		for (const range of ranges) {
			if (!opened.has(range.id) && range.start <= position) {
				opened.add(range.id);
				out.push(new CommentRangeStart(range.id));
			}
		}
	};
	for (const segment of segments) {
		if (segment.kind === 'text') {
			let from = 0;
			while (from < segment.text.length) {
				markersAt(offset + from);
				let to = segment.text.length;
				for (const cut of cuts) if (cut > offset + from && cut < offset + to) to = cut - offset;
				out.push(...textRuns(segment.text.slice(from, to), segment.marks, state));
				from = to;
			}
			offset += segment.text.length;
			continue;
		}
		markersAt(offset);
		if (segment.kind === 'term') {
			out.push(...termRuns(segment.key, state));
			offset += state.termText(segment.key).text.length;
		} else {
			out.push(new TextRun({ break: 1 }));
			offset += 1;
		}
	}
	// Everything still open closes at the end of the paragraph.
	markersAt(Number.POSITIVE_INFINITY);
	markersAt(Number.POSITIVE_INFINITY);
	return out;
}

function runOptions(marks: Marks): IRunOptions {
	return {
		bold: marks.bold,
		italics: marks.italic,
		underline: marks.underline ? {} : undefined,
		strike: marks.strike,
		font: marks.code ? MONO_FONT : undefined,
		style: marks.link ? 'Hyperlink' : undefined
	};
}

function textRuns(text: string, marks: Marks, state: RenderState): ParagraphChild[] {
	const options = { ...runOptions(marks), text };
	let run: ParagraphChild;
	if (state.mode === 'clean') {
		// As if nothing had been suggested: proposed text is not there yet, struck text still is.
		if (marks.insertion) return [];
		run = new TextRun(options);
	} else if (marks.insertion && marks.deletion) {
		run = insertedAround(new DeletedTextRun({ ...options, ...state.revision(marks.deletion) }), state.revision(marks.insertion));
	} else if (marks.insertion) {
		run = new InsertedTextRun({ ...options, ...state.revision(marks.insertion) });
	} else if (marks.deletion) {
		run = new DeletedTextRun({ ...options, ...state.revision(marks.deletion) });
	} else {
		run = new TextRun(options);
	}
	return [marks.link ? new ExternalHyperlink({ link: marks.link, children: [run] }) : run];
}

/**
 * w:ins wrapping a w:del: text one party proposed and the other proposes to strike. docx has no
 * class for the nesting, so it is built as a plain element (the cast only satisfies docx's types).
 */
function insertedAround(deleted: DeletedTextRun, revision: { id: number; author: string; date: string }): ParagraphChild {
	const element = new BuilderElement<{ id: number; author: string; date: string }>({
		name: 'w:ins',
		attributes: {
			id: { key: 'w:id', value: revision.id },
			author: { key: 'w:author', value: revision.author },
			date: { key: 'w:date', value: revision.date }
		},
		children: [deleted]
	});
	return element as unknown as ParagraphChild;
}

/**
 * A term's value; in a redline an open proposal for it is a tracked change by its proposer — the
 * current value (or the blank) struck, the proposed value inserted — so accepting it in Word
 * gives what accepting it in MOU Studio would.
 */
function termRuns(key: string, state: RenderState): ParagraphChild[] {
	const current = state.termText(key);
	const proposal = state.mode === 'redline' ? state.proposals[key] : undefined;
	const proposed = proposal ? state.termText(key, proposal.value) : null;
	if (!proposal || !proposed || proposed.text === current.text) {
		return [new TextRun({ text: current.text, highlight: !current.filled && state.mode === 'redline' ? 'yellow' : undefined })];
	}
	return [new DeletedTextRun({ text: current.text, ...state.revision(proposal) }), new InsertedTextRun({ text: proposed.text, ...state.revision(proposal) })];
}
