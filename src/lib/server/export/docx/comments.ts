import { Paragraph, TextRun, type ICommentOptions } from 'docx';
import type { DocNode } from '../../../templates/types';
import type { ExportThread } from '../types';
import { xmlSafe, type CommentRange, type Segment } from './inline';
import type { RenderState } from './state';

/**
 * Shared comment threads as Word comments. A thread is placed on the text it was started on: the
 * quote is looked up in the paragraphs in reading order (whitespace-insensitive; a quote the
 * editor shortened with "…" matches by its beginning; one that spans paragraphs by its first
 * words). A comment on the whole MOU, or on text that has since gone, sits on the title.
 * A thread on a suggestion sits on that suggestion's tracked change instead (its first paragraph);
 * one whose suggestion is no longer open — decided — is left out: it belongs to the history, not
 * to a change the file still shows. Replies share their thread's place and point to it (Word shows
 * them as one conversation).
 */

export interface TextBlock {
	node: DocNode;
	text: string;
	segments: readonly Segment[];
}

export interface CommentPlan {
	comments: ICommentOptions[];
	/** Threads placed in the file (a decided suggestion's thread is not). */
	threads: number;
	rangesFor(node: DocNode): CommentRange[];
}

const PREFIX_LENGTH = 60;
const MIN_PREFIX = 15;

export function planComments(threads: readonly ExportThread[], blocks: readonly TextBlock[], state: RenderState): CommentPlan {
	const ranges = new Map<DocNode, CommentRange[]>();
	const comments: ICommentOptions[] = [];
	if (!blocks.length) return { comments, threads: 0, rangesFor: () => [] };
	const collapsed = blocks.map((block) => collapse(block.text));
	let placed = 0;
	for (const thread of threads) {
		if (!thread.comments.length) continue;
		const place = thread.suggestionId ? locateSuggestion(thread.suggestionId, blocks, state) : locate(thread.quote, blocks, collapsed);
		if (!place) continue;
		placed += 1;
		let rootId = -1;
		thread.comments.forEach((comment, index) => {
			const id = state.takeId();
			if (index === 0) rootId = id;
			comments.push({
				id,
				author: xmlSafe(state.author(comment.authorName, comment.party)),
				initials: initials(comment.authorName),
				date: comment.createdAt,
				parentId: index === 0 ? undefined : rootId,
				resolved: index === 0 && thread.resolved ? true : undefined,
				children: xmlSafe(comment.body)
					.split(/\n+/)
					.map((line) => new Paragraph({ children: [new TextRun(line)] }))
			});
			const list = ranges.get(place.node) ?? [];
			list.push({ id, start: place.start, end: place.end });
			ranges.set(place.node, list);
		});
	}
	return { comments, threads: placed, rangesFor: (node) => ranges.get(node) ?? [] };
}

/**
 * Where a suggestion shows in the file: the runs of its first paragraph that carry its mark, or
 * the term its proposal is for, in the same plain-text offsets renderInline places comments by.
 */
function locateSuggestion(id: string, blocks: readonly TextBlock[], state: RenderState) {
	const proposed = new Set(Object.keys(state.proposals).filter((key) => state.proposals[key].id === id));
	for (const block of blocks) {
		let offset = 0;
		let start = -1;
		let end = -1;
		for (const segment of block.segments) {
			const length = segment.kind === 'text' ? segment.text.length : segment.kind === 'term' ? state.termText(segment.key).text.length : 1;
			const ours =
				segment.kind === 'text'
					? segment.marks.insertion?.id === id || segment.marks.deletion?.id === id
					: segment.kind === 'term' && proposed.has(segment.key);
			if (ours) {
				if (start < 0) start = offset;
				end = offset + length;
			}
			offset += length;
		}
		if (start >= 0) return { node: block.node, start, end };
	}
	return null;
}

interface Collapsed {
	text: string;
	/** Index in the original text of each collapsed character; null when nothing was collapsed. */
	origin: number[] | null;
}

function collapse(text: string): Collapsed {
	// Most paragraphs have no runs of whitespace: keep them as they are, without an offset table.
	if (!/\s\s|[\t\n\r\u00a0]/.test(text)) return { text, origin: null };
	let out = '';
	const origin: number[] = [];
	let space = false;
	for (let i = 0; i < text.length; i++) {
		const isSpace = /\s/.test(text[i]);
		if (isSpace && space) continue;
		out += isSpace ? ' ' : text[i];
		origin.push(i);
		space = isSpace;
	}
	return { text: out, origin };
}

function locate(quote: string, blocks: readonly TextBlock[], collapsed: readonly Collapsed[]) {
	const wanted = quote.replace(/\s+/g, ' ').replace(/…$/, '').trim();
	const whole = { node: blocks[0].node, start: 0, end: blocks[0].text.length };
	if (!wanted) return whole;
	const find = (needle: string, toEnd: boolean) => {
		for (let b = 0; b < blocks.length; b++) {
			const at = collapsed[b].text.indexOf(needle);
			if (at < 0) continue;
			const { origin } = collapsed[b];
			const start = origin ? origin[at] : at;
			const end = toEnd ? blocks[b].text.length : origin ? origin[at + needle.length - 1] + 1 : at + needle.length;
			return { node: blocks[b].node, start, end };
		}
		return null;
	};
	const prefix = wanted.slice(0, PREFIX_LENGTH);
	return find(wanted, false) ?? (prefix.length >= MIN_PREFIX ? find(prefix, true) : null) ?? whole;
}

function initials(name: string): string {
	return name
		.split(/\s+/)
		.filter(Boolean)
		.map((word) => word[0]!.toUpperCase())
		.slice(0, 3)
		.join('');
}
