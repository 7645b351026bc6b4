/**
 * A state-law profile as data (templates/states/<code>/<version>/profile.json): what a state's
 * law adds to the NASRO template for an SRO MOU signed there, in our own words, each point with
 * the statute it comes from and when that took effect. Shared by server and browser.
 */
import type { Block, Clause, TemplateTerm } from '../templates/types';
import type { Party } from '../mou/party';
import type { Capacity } from '../signing/types';

export type StateCode = 'none' | 'il' | 'wa' | 'va';

export interface Citation {
	/** e.g. "105 ILCS 5/10-20.68(a-5)(3)". */
	cite: string;
	/** Our own one-line paraphrase of what it requires. */
	says: string;
	/** YYYY-MM-DD the requirement took effect. */
	effective: string;
	url?: string;
}

/** Replace a template clause's text (the locked core stays locked). */
export interface ClauseReplacement {
	clause: string;
	title?: string;
	body: Block[];
	cite: string;
	/** null: the clause always prints (a block the law requires, e.g. Washington's board adoption). */
	printWhen?: string | null;
}

/** A clause the profile adds, placed after `after` (a clause id of the template). */
export interface ClauseAddition {
	after: string;
	clause: Clause;
	cite: string;
}

/** Changes to a template term: a default, tighter bounds, required-ness. */
export interface TermRule {
	key: string;
	default?: string;
	max?: number;
	required?: boolean;
	/** The value the law needs (e.g. state_name = Illinois); anything else is flagged. */
	equals?: string;
}

/**
 * Wording the law forbids anywhere in the draft: a sentence matching `pattern` (case-insensitive)
 * is a conflict unless it also matches `unless` (a negation: "will not issue a citation").
 */
export interface ForbiddenText {
	id: string;
	pattern: string;
	unless?: string;
	message: string;
	cite: string;
}

/** One requirement the compliance panel lists beside NASRO's items. */
export interface ProfileItem {
	id: string;
	summary: string;
	cite: string;
	/** Clauses that must be in the draft with the profile's wording. */
	clauses?: string[];
	/** Terms that must hold a valid value. */
	terms?: string[];
	/** Forbidden wording this item checks the whole draft for. */
	forbidden?: string[];
}

export type DataBreakdown = 'race' | 'disability';

export type ReviewStepKind = 'public_notice' | 'community_input' | 'data_report' | 'board_adoption';

export interface ReviewRules {
	/** The longest interval between reviews the law allows. */
	maxIntervalMonths: number | null;
	/** Steps a review must record before it can close. */
	requiredSteps: ReviewStepKind[];
	/**
	 * Breakdowns a data report entered as figures must give (Washington: by race and ethnicity, and by
	 * IEP or Section 504 status); an attached report file stands for them.
	 */
	dataBreakdowns?: DataBreakdown[];
	/** The current MOU must be on the public page before a review can complete. */
	requiresPublication: boolean;
	cite: string | null;
}

/** A signature the law needs on the MOU: the capacity, the party it signs for, and why. */
export interface RequiredSigner {
	capacity: Exclude<Capacity, 'clerk' | 'other'>;
	party: Party;
	/** The statute, or null for what every MOU needs (the agency head and the superintendent). */
	cite: string | null;
}

export interface StateProfile {
	code: StateCode;
	version: string;
	/** "Illinois", or "No state profile". */
	name: string;
	/** Template versions ("sro-mou@2026.1") whose clause ids and terms this profile refers to. */
	templates: string[];
	/** The profile describes the law as in force from this date. */
	inForceFrom: string | null;
	summary: string;
	citations: Citation[];
	terms: TermRule[];
	addTerms: TemplateTerm[];
	replaceClauses: ClauseReplacement[];
	addClauses: ClauseAddition[];
	forbiddenText: ForbiddenText[];
	items: ProfileItem[];
	review: ReviewRules;
	/** Who must sign; sending for signature without one of them is refused (`missingRequiredSigners`). */
	requiredSigners: RequiredSigner[];
}
