/**
 * The MOU template as data (templates/<id>/<version>/template.json) and the NASRO checklist it
 * answers to. Shared by server and browser: no runtime code here.
 */

export type TermType = 'text' | 'longtext' | 'date' | 'money' | 'percent' | 'integer' | 'months' | 'timezone' | 'choice';

/** One choice of an option-set term; the label is the phrase the clause text shows. */
export interface TermOption {
	value: string;
	label: string;
}

export interface TemplateTerm {
	key: string;
	label: string;
	type: TermType;
	required: boolean;
	/** Heading the fill-in form groups this term under. */
	group: string;
	help?: string;
	default?: string;
	/** Percent terms of one sum group must add up to exactly 100. */
	sumGroup?: string;
	/** Bounds for integer and months terms. */
	min?: number;
	max?: number;
	/** Date terms: key of another date term this one may not precede (term_end → term_start). */
	notBefore?: string;
	/** Choice terms: the allowed values. */
	options?: TermOption[];
	/**
	 * NASRO items whose coverage depends on this value: while it is empty or invalid (bounds
	 * included — e.g. a review interval over 12 months), those items are not covered.
	 */
	covers?: string[];
	/** Integer terms: the covered items also need at least one per line of this list term (SROs per school). */
	atLeastCountOf?: string;
}

/** Required clauses cover NASRO mandatory items and are locked; recommended cover R items. */
export type TemplateClauseLevel = 'required' | 'recommended' | 'standard';

/**
 * A paragraph (string with `{{term_key}}` placeholders and **bold** / *italic* runs), a list,
 * a table (cells use the same inline syntax) or a page break.
 */
export type Block = string | { list: string[] } | { ordered: string[] } | { table: { header: string[]; rows: string[][] } } | { pageBreak: true };

export interface Clause {
	id: string;
	title: string;
	level: TemplateClauseLevel;
	/** NASRO standard IDs this clause satisfies, e.g. "01.01.04-c". */
	nasro: string[];
	/** Subject tags (e.g. "arrest", "force"); unlocked text touching a locked subject is listed for counsel. */
	subjects?: string[];
	/** Why a required clause that covers no mandatory NASRO item is locked anyway. */
	lockReason?: string;
	/** Defined terms this clause defines ("Covered Schools"); the lint checks who relies on them. */
	defines?: string[];
	/** Optional block (signatures): printed only while this term has a value. */
	printWhen?: string;
	body: Block[];
	/** Set by a state profile on the clauses it adds or rewrites: the statute the wording answers to. */
	law?: string;
}

export interface Section {
	id: string;
	heading: string;
	/** Start the section on a new page (signatures). */
	pageBreakBefore?: boolean;
	clauses: Clause[];
}

export interface Template {
	id: string;
	version: string;
	title: string;
	/**
	 * The version promises that locked text rests only on locked text, every required clause
	 * carries subject tags and cross-references are by id: the lint enforces it (2027.1 on).
	 */
	lockedCore?: boolean;
	terms: TemplateTerm[];
	sections: Section[];
}

/** M = mandatory, R = recommended, null = an umbrella item NASRO gives no level. */
export type ChecklistLevel = 'M' | 'R' | null;

export interface ChecklistItem {
	id: string;
	level: ChecklistLevel;
	section: 'Administration' | 'Selection' | 'Training' | 'Collaboration';
	summary: string;
}

/** ProseMirror JSON as produced by `node.toJSON()` / `editor.getJSON()`. */
export interface DocNode {
	type: string;
	attrs?: Record<string, unknown>;
	content?: DocNode[];
	text?: string;
	marks?: { type: string; attrs?: Record<string, unknown> }[];
}

/** Fill-in term values as stored in the Yjs `terms` map. */
export type TermValues = Record<string, string | undefined>;
