import { templateToDocument } from '../templates/document';
import { draftClauses } from '../templates/clause-text';
import { templateProblems } from '../templates/lint';
import type { ChecklistItem, Template } from '../templates/types';
import { applyProfile, appliesTo, templateKey } from './apply';
import { findForbidden } from './assess';
import type { Party } from '../mou/party';
import type { RequiredSigner, ReviewStepKind, StateProfile } from './types';

export const REVIEW_STEP_KINDS: readonly ReviewStepKind[] = ['public_notice', 'community_input', 'data_report', 'board_adoption'];

/**
 * Everything that would make a profile unfit for a template version, as readable lines: clause
 * ids and term keys it names that the template lacks, forbidden wording its own text carries,
 * broken patterns, citations without a date, and the applied template's own problems.
 */
export function profileProblems(profile: StateProfile, template: Template, checklist: readonly ChecklistItem[]): string[] {
	const where = `${profile.code}@${profile.version}`;
	if (!appliesTo(profile, template)) return [`${where}: does not name ${templateKey(template)}`];
	const problems: string[] = [];
	const baseClauses = new Set(template.sections.flatMap((s) => s.clauses.map((c) => c.id)));
	const baseTerms = new Set(template.terms.map((t) => t.key));
	for (const r of profile.replaceClauses) if (!baseClauses.has(r.clause)) problems.push(`${where}: replaces unknown clause ${r.clause}`);
	for (const a of profile.addClauses) {
		if (!baseClauses.has(a.after)) problems.push(`${where}: adds ${a.clause.id} after unknown clause ${a.after}`);
		if (baseClauses.has(a.clause.id)) problems.push(`${where}: added clause ${a.clause.id} already exists in the template`);
	}
	for (const rule of profile.terms) if (!baseTerms.has(rule.key)) problems.push(`${where}: rule for unknown term ${rule.key}`);
	for (const term of profile.addTerms) if (baseTerms.has(term.key)) problems.push(`${where}: added term ${term.key} already exists`);

	const applied = applyProfile(template, profile);
	const clauses = new Set(applied.sections.flatMap((s) => s.clauses.map((c) => c.id)));
	const terms = new Set(applied.terms.map((t) => t.key));
	const forbiddenIds = new Set(profile.forbiddenText.map((f) => f.id));
	for (const item of profile.items) {
		for (const id of item.clauses ?? []) if (!clauses.has(id)) problems.push(`${where} item ${item.id}: unknown clause ${id}`);
		for (const key of item.terms ?? []) if (!terms.has(key)) problems.push(`${where} item ${item.id}: unknown term ${key}`);
		for (const id of item.forbidden ?? []) if (!forbiddenIds.has(id)) problems.push(`${where} item ${item.id}: unknown forbidden text ${id}`);
		if (!item.cite.trim()) problems.push(`${where} item ${item.id}: no citation`);
	}
	for (const rule of profile.forbiddenText) {
		try {
			new RegExp(rule.pattern, 'i');
			if (rule.unless) new RegExp(rule.unless, 'i');
		} catch (error) {
			problems.push(`${where} forbidden ${rule.id}: ${(error as Error).message}`);
		}
	}
	for (const c of profile.citations) if (!/^\d{4}-\d{2}-\d{2}$/.test(c.effective)) problems.push(`${where}: citation ${c.cite} has no effective date`);
	for (const step of profile.review.requiredSteps) if (!REVIEW_STEP_KINDS.includes(step)) problems.push(`${where}: unknown review step ${step}`);
	problems.push(...signerProblems(profile, where));
	const interval = applied.terms.find((t) => t.key === 'review_interval_months');
	if (profile.review.maxIntervalMonths !== null && interval && (interval.max ?? Infinity) > profile.review.maxIntervalMonths) {
		problems.push(`${where}: the review interval term allows more than the law's ${profile.review.maxIntervalMonths} months`);
	}
	if (problems.length === 0) {
		// The profile's own wording, with every default filled in, must satisfy the profile.
		const defaults = Object.fromEntries(applied.terms.map((t) => [t.key, t.default ?? '']));
		for (const hit of findForbidden(profile.forbiddenText, draftClauses(templateToDocument(applied)), defaults)) {
			problems.push(`${where}: clause ${hit.clauseId} carries forbidden wording “${hit.sentence}”`);
		}
		// Only what the profile brings in: a template version's own flaws are its lint's business
		// (2026.1 fails the dependency rules that 2027.1 was written to pass).
		const inherited = new Set(templateProblems(template, checklist));
		problems.push(
			...templateProblems(applied, checklist)
				.filter((p) => !inherited.has(p))
				.map((p) => `${where}: ${p}`)
		);
	}
	return problems;
}

const SIGNER_PARTY: Record<RequiredSigner['capacity'], Party | null> = {
	agency_head: 'agency',
	superintendent: 'district',
	board_president: 'district',
	city_manager: null,
	mayor: null
};

/** Required signers: known capacities, each for the party it can sign for, always the two heads. */
function signerProblems(profile: StateProfile, where: string): string[] {
	const problems: string[] = [];
	const required = profile.requiredSigners ?? [];
	for (const signer of required) {
		if (!(signer.capacity in SIGNER_PARTY)) problems.push(`${where}: unknown required signer ${signer.capacity}`);
		else if (signer.party !== 'agency' && signer.party !== 'district') problems.push(`${where}: required signer ${signer.capacity} signs for no party`);
		else if (SIGNER_PARTY[signer.capacity] && SIGNER_PARTY[signer.capacity] !== signer.party) {
			problems.push(`${where}: required signer ${signer.capacity} cannot sign for the ${signer.party}`);
		}
	}
	for (const capacity of ['agency_head', 'superintendent'] as const) {
		if (!required.some((s) => s.capacity === capacity)) problems.push(`${where}: required signers lack ${capacity}`);
	}
	return problems;
}
