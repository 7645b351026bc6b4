import { partyLabel, type Party, type SuggestionAttrs, type TermProposal } from '../../../redlines/types';
import { termReader, type TermText } from '../terms';
import type { Segment } from './inline';
import { pruneBlankTerms } from './prune';
import type { ExportContext, ExportDocument } from '../types';

export type RenderMode = 'redline' | 'clean';

/**
 * What one rendering carries from block to block: the mode, term values, and the counters Word
 * needs unique — revision and comment ids share one number space (Word's annotation ids).
 */
export class RenderState {
	readonly proposals: Record<string, TermProposal>;
	/** Tracked changes written (w:ins / w:del elements). */
	revisions = 0;
	/** Ordered lists written: each is its own Word numbering instance, so each starts at 1. */
	listInstances = 0;
	/** Distinct suggestions shown (one suggestion can span several runs and paragraphs). */
	readonly suggestions = new Set<string>();
	private nextId = 0;
	private readonly read: ReturnType<typeof termReader>;
	private readonly optional: Set<string>;

	constructor(
		readonly mode: RenderMode,
		private readonly document: ExportDocument,
		private readonly context: ExportContext
	) {
		this.proposals = document.proposals;
		// A redline is a working draft and names what is missing; a clean or signed copy never prints a label.
		this.read = termReader(context.termDefinitions, mode === 'redline' ? 'label' : 'line');
		this.optional = new Set(context.termDefinitions.filter((t) => !t.required).map((t) => t.key));
	}

	/** A clean or signed copy's paragraph without its blank optional terms' sentences; null when nothing is left. */
	prune(segments: readonly Segment[]): Segment[] | null {
		if (this.mode !== 'clean') return [...segments];
		const optional = (key: string) => this.optional.has(key);
		return pruneBlankTerms(segments, (key) => optional(key) && !this.termText(key).filled, optional);
	}

	/** The next free annotation id (comments and tracked changes). */
	takeId(): number {
		return this.nextId++;
	}

	/** A term as it reads: its current value, or `value` (a proposal) when given. */
	termText(key: string, value?: string): TermText {
		return this.read(key, value ?? this.document.terms[key]);
	}

	/** "Dana Whitfield (Springfield Police Department)". */
	author(name: string, party: Party): string {
		return `${name} (${this.context.partyNames[party] ?? partyLabel(party)})`;
	}

	/** The attributes of one w:ins / w:del for a suggestion mark. */
	revision(attrs: SuggestionAttrs): { id: number; author: string; date: string } {
		this.revisions += 1;
		this.suggestions.add(attrs.id);
		return { id: this.takeId(), author: this.author(attrs.authorName, attrs.party), date: wordDate(attrs.at, this.context.generatedAt) };
	}
}

/** ISO 8601 to the second, as Word writes w:date (it rejects some fractional forms). */
export function wordDate(at: string | Date, fallback: Date = new Date()): string {
	const date = at instanceof Date ? at : new Date(at);
	const valid = Number.isNaN(date.getTime()) ? fallback : date;
	return valid.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
