/**
 * The inline syntax of template text: `{{term_key}}` placeholders, `[[section.clause]]`
 * cross-references (shown as "Section 12.1", numbered from the clause's place in the draft),
 * **bold** and *italic* runs.
 * Deliberately tiny — template authors need nothing more, and a small grammar is easy to lint.
 */

export interface InlineMarks {
	bold: boolean;
	italic: boolean;
}

export type InlineRun =
	({ kind: 'text'; text: string } & InlineMarks) | ({ kind: 'term'; key: string } & InlineMarks) | ({ kind: 'ref'; target: string } & InlineMarks);

const TOKEN = /\*\*|\*|\{\{([a-z][a-z0-9_]*)\}\}|\[\[([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)\]\]/g;

/** Splits template text into text and term runs carrying their marks. */
export function parseInline(source: string): InlineRun[] {
	const runs: InlineRun[] = [];
	const marks: InlineMarks = { bold: false, italic: false };
	let last = 0;
	const pushText = (text: string) => {
		if (!text) return;
		const prev = runs[runs.length - 1];
		if (prev?.kind === 'text' && prev.bold === marks.bold && prev.italic === marks.italic) prev.text += text;
		else runs.push({ kind: 'text', text, ...marks });
	};
	for (const match of source.matchAll(TOKEN)) {
		pushText(source.slice(last, match.index));
		last = match.index + match[0].length;
		if (match[0] === '**') marks.bold = !marks.bold;
		else if (match[0] === '*') marks.italic = !marks.italic;
		else if (match[1]) runs.push({ kind: 'term', key: match[1], ...marks });
		else runs.push({ kind: 'ref', target: match[2], ...marks });
	}
	pushText(source.slice(last));
	return runs;
}

/** Term keys referenced by `{{…}}` placeholders, in order of appearance. */
export function placeholderKeys(source: string): string[] {
	return parseInline(source).flatMap((run) => (run.kind === 'term' ? [run.key] : []));
}

/** Clause ids referenced by `[[…]]` cross-references, in order of appearance. */
export function referenceTargets(source: string): string[] {
	return parseInline(source).flatMap((run) => (run.kind === 'ref' ? [run.target] : []));
}

/** What is wrong with a piece of template text: unclosed marks, malformed placeholders. */
export function inlineProblems(source: string): string[] {
	const problems: string[] = [];
	let bold = false;
	let italic = false;
	for (const match of source.matchAll(TOKEN)) {
		if (match[0] === '**') bold = !bold;
		else if (match[0] === '*') italic = !italic;
	}
	const markedAtom = parseInline(source).find((run) => run.kind !== 'text' && (run.bold || run.italic));
	if (markedAtom?.kind === 'term') problems.push(`{{${markedAtom.key}}} inside bold or italic (terms cannot carry marks)`);
	if (markedAtom?.kind === 'ref') problems.push(`[[${markedAtom.target}]] inside bold or italic (references cannot carry marks)`);
	if (bold) problems.push('unclosed **bold** run');
	if (italic) problems.push('unclosed *italic* run');
	const leftover = source.replace(TOKEN, '');
	if (leftover.includes('{{') || leftover.includes('}}')) {
		problems.push('malformed placeholder (use {{lower_snake_key}})');
	}
	if (leftover.includes('[[') || leftover.includes(']]')) {
		problems.push('malformed cross-reference (use [[section.clause]])');
	}
	return problems;
}
