import type { Clause, Section, Template, TemplateTerm } from '../templates/types';
import type { ClauseReplacement, StateProfile } from './types';

/**
 * The template a draft under `profile` starts from and is judged against: the profile's clause
 * replacements and additions in place, its term rules applied, its terms added. Pure and cached
 * per (template, profile) pair, since the browser runs it on every page load and compliance on
 * every change. `none` returns the template itself.
 */
const applied = new WeakMap<Template, WeakMap<StateProfile, Template>>();

export function applyProfile(template: Template, profile: StateProfile): Template {
	if (isEmptyProfile(profile)) return template;
	let byProfile = applied.get(template);
	if (!byProfile) applied.set(template, (byProfile = new WeakMap()));
	let result = byProfile.get(profile);
	if (!result) byProfile.set(profile, (result = build(template, profile)));
	return result;
}

function isEmptyProfile(profile: StateProfile): boolean {
	return profile.terms.length === 0 && profile.addTerms.length === 0 && profile.replaceClauses.length === 0 && profile.addClauses.length === 0;
}

function build(template: Template, profile: StateProfile): Template {
	const replacements = new Map(profile.replaceClauses.map((r) => [r.clause, r]));
	const sections: Section[] = template.sections.map((section) => ({
		...section,
		clauses: section.clauses.flatMap((clause) => {
			const replacement = replacements.get(clause.id);
			const own: Clause = replacement ? replaced(clause, replacement) : clause;
			const added = profile.addClauses.filter((a) => a.after === clause.id).map((a) => ({ ...a.clause, law: a.cite }));
			return [own, ...added];
		})
	}));
	const rules = new Map(profile.terms.map((rule) => [rule.key, rule]));
	const terms: TemplateTerm[] = [
		...template.terms.map((term) => {
			const rule = rules.get(term.key);
			if (!rule) return term;
			return {
				...term,
				...(rule.default !== undefined ? { default: rule.default } : {}),
				...(rule.max !== undefined ? { max: Math.min(rule.max, term.max ?? rule.max) } : {}),
				...(rule.required !== undefined ? { required: rule.required } : {})
			};
		}),
		...profile.addTerms
	];
	return { ...template, terms, sections };
}

function replaced(clause: Clause, replacement: ClauseReplacement): Clause {
	const own: Clause = { ...clause, title: replacement.title ?? clause.title, body: replacement.body, law: replacement.cite };
	if (replacement.printWhen === null) delete own.printWhen;
	else if (replacement.printWhen !== undefined) own.printWhen = replacement.printWhen;
	return own;
}

/** The template key a profile must name to apply to it, e.g. "sro-mou@2026.1". */
export function templateKey(template: Pick<Template, 'id' | 'version'>): string {
	return `${template.id}@${template.version}`;
}

export function appliesTo(profile: StateProfile, template: Pick<Template, 'id' | 'version'>): boolean {
	return profile.code === 'none' || profile.templates.includes(templateKey(template));
}
