import { clauseToNode } from '../templates/document';
import { clauseText, draftClauses, type DraftClause } from '../templates/clause-text';
import { validateTerms } from '../templates/terms';
import type { DocNode, Template, TermValues } from '../templates/types';
import type { ForbiddenText, ProfileItem, StateProfile } from './types';

/**
 * The state half of the compliance panel: each profile item as covered / modified / missing, or
 * `conflict` when the draft carries wording the law forbids (Illinois: an SRO who "may cite").
 * Pure, run in the browser on every change and on the server before approval and signing.
 */

export type ProfileItemStatus = 'covered' | 'modified' | 'missing' | 'conflict';

export interface ProfileItemAssessment {
	id: string;
	summary: string;
	cite: string;
	status: ProfileItemStatus;
	clauseIds: string[];
	/** The offending sentences, for `conflict`. */
	conflicts: string[];
}

export interface ForbiddenMatch {
	id: string;
	message: string;
	cite: string;
	clauseId: string;
	sentence: string;
}

export interface ProfileReport {
	profile: { code: string; version: string; name: string };
	items: ProfileItemAssessment[];
	forbidden: ForbiddenMatch[];
	/** Why the draft cannot be signed under this state's law, in words counsel can act on. */
	problems: string[];
	ready: boolean;
}

export function assessProfile(profile: StateProfile, template: Template, document: DocNode, termValues: TermValues): ProfileReport {
	const draft = draftClauses(document);
	const forbidden = findForbidden(profile.forbiddenText, draft, termValues);
	const termErrors = validateTerms(template.terms, termValues);
	const items = profile.items.map((item) => assessItem(item, template, draft, forbidden, termErrors, profile, termValues));
	const problems = [
		...forbidden.map((f) => `${f.message} (${f.cite}): “${shorten(f.sentence)}”`),
		...items
			.filter((i) => i.status === 'missing' || i.status === 'modified')
			.map((i) => `${profile.name}: ${i.summary} (${i.cite}) — ${i.status === 'missing' ? 'missing from the draft' : 'not in the wording the law needs'}.`)
	];
	return {
		profile: { code: profile.code, version: profile.version, name: profile.name },
		items,
		forbidden,
		problems,
		ready: problems.length === 0
	};
}

function assessItem(
	item: ProfileItem,
	template: Template,
	draft: DraftClause[],
	forbidden: ForbiddenMatch[],
	termErrors: Record<string, string>,
	profile: StateProfile,
	termValues: TermValues
): ProfileItemAssessment {
	const clauseIds = item.clauses ?? [];
	const conflicts = forbidden.filter((f) => item.forbidden?.includes(f.id)).map((f) => f.sentence);
	const states = clauseIds.map((id) => {
		const copies = draft.filter((d) => d.clauseId === id);
		if (copies.length === 0) return 'absent';
		return copies.some((d) => d.text === profileClauseText(template, id)) ? 'intact' : 'changed';
	});
	const termsOk = (item.terms ?? []).every((key) => !termErrors[key] && termHolds(profile, key, termValues[key]));
	let status: ProfileItemStatus;
	if (conflicts.length) status = 'conflict';
	else if (states.length && states.every((s) => s === 'absent')) status = 'missing';
	else if (states.some((s) => s !== 'intact') || !termsOk) status = 'modified';
	else status = 'covered';
	return { id: item.id, summary: item.summary, cite: item.cite, status, clauseIds, conflicts };
}

/** A term the law fixes (Illinois: the state is Illinois) must hold exactly that value. */
function termHolds(profile: StateProfile, key: string, value: string | undefined): boolean {
	const rule = profile.terms.find((t) => t.key === key);
	return !!value?.trim() && (rule?.equals === undefined || value.trim() === rule.equals);
}

const texts = new WeakMap<Template, Map<string, string>>();

/** The applied template's text of one clause, normalised like the draft's. */
function profileClauseText(template: Template, clauseId: string): string | undefined {
	let map = texts.get(template);
	if (!map) {
		map = new Map(template.sections.flatMap((s) => s.clauses).map((c) => [c.id, clauseText(clauseToNode(c))]));
		texts.set(template, map);
	}
	return map.get(clauseId);
}

/** Sentences of the draft (term values filled in) that carry wording the law forbids. */
export function findForbidden(rules: readonly ForbiddenText[], draft: DraftClause[], termValues: TermValues): ForbiddenMatch[] {
	if (rules.length === 0) return [];
	const compiled = rules.map((rule) => ({
		rule,
		pattern: new RegExp(rule.pattern, 'i'),
		unless: rule.unless ? new RegExp(rule.unless, 'i') : null
	}));
	const found: ForbiddenMatch[] = [];
	for (const clause of draft) {
		const text = clause.text.replace(/\{\{([a-z0-9_]+)\}\}/g, (_, key: string) => termValues[key] ?? '');
		for (const sentence of sentences(text)) {
			for (const { rule, pattern, unless } of compiled) {
				if (pattern.test(sentence) && !unless?.test(sentence)) {
					found.push({ id: rule.id, message: rule.message, cite: rule.cite, clauseId: clause.clauseId, sentence });
				}
			}
		}
	}
	return found;
}

export function sentences(text: string): string[] {
	return text
		.split(/\n|(?<=[.;!?])\s+/)
		.map((s) => s.trim())
		.filter(Boolean);
}

function shorten(sentence: string): string {
	return sentence.length > 120 ? `${sentence.slice(0, 117)}…` : sentence;
}
