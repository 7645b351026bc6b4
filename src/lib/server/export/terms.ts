import { formatTermValue } from '../../templates/terms';
import { humanizeTermKey } from '../../editor/term-values';
import type { TemplateTerm } from '../../templates/types';

/** How a fill-in term reads in an exported file: as in the editor, a filled value formatted, an empty one a visible blank. */
export interface TermText {
	text: string;
	filled: boolean;
}

export type TermReader = (key: string, value: string | undefined) => TermText;

/** A blank term reads as its label in brackets ('label', the redline) or as a line to fill in by hand ('line'). */
export function termReader(definitions: readonly TemplateTerm[], blank: 'label' | 'line' = 'label'): TermReader {
	const byKey = new Map(definitions.map((term) => [term.key, term]));
	return (key, raw) => {
		const term = byKey.get(key);
		const value = (raw ?? '').trim();
		if (!value) return { text: blank === 'line' ? '________________' : `[${term?.label ?? humanizeTermKey(key)}]`, filled: false };
		return { text: (term ? formatTermValue(term, value) : value) || value, filled: true };
	};
}
