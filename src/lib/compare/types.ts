import type { Party } from '../mou/party';

/**
 * The read-only result of comparing two versions of one MOU. Plain data (no Yjs), so a page can
 * serialise it and render it without the document. Shared by the server and the compare view.
 */

/** A named version to compare, as the version picker lists it. */
export interface VersionOption {
	id: string;
	number: number;
	kind: 'round' | 'agreed';
	label: string;
	party: Party | null;
	createdAt: string;
	/** Every stored update up to this sequence number is in the version (orders versions). */
	throughSeq: string;
}

export type Change = 'added' | 'removed' | null;

/** Who made a change, as far as the server can vouch for it. */
export interface Attribution {
	party: Party | null;
	author?: string;
}

export interface CompareRun extends Attribution {
	text: string;
	change: Change;
	/** The change is still an open suggestion in the newer version (not yet accepted). */
	pending?: boolean;
	/** Character formatting shown as in the editor: bold, italic, underline, strike, code. */
	marks?: string[];
	/** An inline fill-in term: its key (text holds its value as shown). */
	term?: string;
	/** A hard line break (text is '\n'). */
	break?: boolean;
}

export interface CompareBlock extends Attribution {
	/** The document node type: clause, paragraph, heading, bulletList, listItem, table, … */
	type: string;
	attrs: Record<string, unknown>;
	/** Set when the whole block was added or removed between the versions. */
	change: Change;
	children: CompareBlock[];
	/** Inline content of a text block (paragraph, heading). */
	runs: CompareRun[];
}

export interface TermChange extends Attribution {
	key: string;
	/** The template's label for the term (set by the page loader). */
	label?: string;
	before: string;
	after: string;
	/** A proposal still waiting for the other party's decision in the newer version. */
	pending?: boolean;
}

export type PartyKey = Party | 'unknown';
export type PartyCounts = Record<PartyKey, number>;

export interface CompareSummary {
	/** Separate stretches of inserted / deleted text (or whole blocks), by the party that made them. */
	insertions: PartyCounts;
	deletions: PartyCounts;
	/** Of those, blocks (clauses, paragraphs) added or removed whole. */
	blocksAdded: number;
	blocksRemoved: number;
	termsChanged: number;
}

export interface Comparison {
	blocks: CompareBlock[];
	terms: TermChange[];
	summary: CompareSummary;
}
