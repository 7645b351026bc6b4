import type { Segment } from './inline';

/**
 * A clean or signed copy never prints a blank optional term: the sentence holding it goes, and a
 * paragraph left with no sentence goes too. Beside a filled optional term ("{{clerk_name}},
 * {{clerk_title}}" with only the name given) just the blank term and its comma go.
 */
export function pruneBlankTerms(
	segments: readonly Segment[],
	isBlankOptional: (key: string) => boolean,
	isOptional: (key: string) => boolean
): Segment[] | null {
	if (!segments.some((s) => s.kind === 'term' && isBlankOptional(s.key))) return [...segments];
	const kept: Segment[] = [];
	for (const sentence of sentences(segments)) {
		const blank = sentence.some((s) => s.kind === 'term' && isBlankOptional(s.key));
		if (!blank) kept.push(...sentence);
		else if (sentence.some((s) => s.kind === 'term' && isOptional(s.key) && !isBlankOptional(s.key)))
			kept.push(...withoutBlankTerms(sentence, isBlankOptional));
	}
	const text = kept.map((s) => (s.kind === 'text' ? s.text : s.kind === 'term' ? 'x' : '')).join('');
	return text.trim() ? trimEnd(kept) : null;
}

/** Sentences end after ".", "!" or "?" followed by a space (or the paragraph's end). */
function sentences(segments: readonly Segment[]): Segment[][] {
	const out: Segment[][] = [[]];
	for (const segment of segments) {
		if (segment.kind !== 'text') {
			out[out.length - 1].push(segment);
			continue;
		}
		const pieces = segment.text.split(/(?<=[.!?])(?=\s)/);
		pieces.forEach((piece, i) => {
			if (i > 0) out.push([]);
			if (piece) out[out.length - 1].push({ ...segment, text: piece });
		});
	}
	return out.filter((s) => s.length);
}

function withoutBlankTerms(sentence: Segment[], isBlankOptional: (key: string) => boolean): Segment[] {
	const out: Segment[] = [];
	for (const segment of sentence) {
		if (segment.kind === 'term' && isBlankOptional(segment.key)) {
			const previous = out[out.length - 1];
			if (previous?.kind === 'text') previous.text = previous.text.replace(/[,;]?\s*$/, '');
			continue;
		}
		out.push(segment.kind === 'text' ? { ...segment } : segment);
	}
	return out;
}

function trimEnd(segments: Segment[]): Segment[] {
	const last = segments[segments.length - 1];
	if (last?.kind === 'text') last.text = last.text.replace(/\s+$/, '');
	const first = segments[0];
	if (first?.kind === 'text') first.text = first.text.replace(/^\s+/, '');
	return segments.filter((s) => s.kind !== 'text' || s.text);
}
