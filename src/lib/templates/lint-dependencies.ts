import { placeholderKeys, referenceTargets } from './inline';
import type { Block, Clause, Template } from './types';

/**
 * Locked text may rest only on locked text: a required clause that uses a defined term, points at
 * a clause or shows a term relies on it, so that definition, clause or term must itself be
 * required — otherwise deleting it (or leaving it empty) hollows out the locked clause. Also keeps
 * drafting consistent: cross-references by id (never "the Roles section"), defined terms written
 * as defined, and every term saying what it governs.
 */

export function dependencyProblems(template: Template, texts: (block: Block) => string[]): string[] {
	const clauses = template.sections.flatMap((section) => section.clauses);
	const byId = new Map(clauses.map((clause) => [clause.id, clause]));
	const terms = new Map(template.terms.map((term) => [term.key, term]));
	const definers = definedTerms(clauses, texts);
	const problems: string[] = [];
	for (const clause of clauses) {
		const where = `clause ${clause.id}`;
		const body = clause.body.flatMap(texts);
		for (const target of body.flatMap(referenceTargets)) {
			const referenced = byId.get(target);
			if (!referenced) problems.push(`${where}: refers to unknown clause [[${target}]]`);
			else if (clause.level === 'required' && referenced.level !== 'required') {
				problems.push(`${where}: required clause refers to [[${target}]], which is not required`);
			}
		}
		for (const named of body.flatMap(sectionsByName)) {
			problems.push(`${where}: refers to “${named}” by name; use a [[clause.id]] cross-reference`);
		}
		if (clause.level === 'required') {
			for (const key of body.flatMap(placeholderKeys)) {
				if (terms.get(key) && !terms.get(key)!.required) problems.push(`${where}: required clause uses {{${key}}}, which is not a required term`);
			}
		}
		const plain = body.map(stripSyntax).join('\n');
		for (const [word, definer] of definers) {
			if (definer === clause) continue;
			if (clause.level === 'required' && definer.level !== 'required' && usesWord(plain, word)) {
				problems.push(`${where}: required clause uses the defined term “${word}”, defined in ${definer.id}, which is not required`);
			}
			if (word.includes(' ') && new RegExp(`\\b${escape(word.toLowerCase())}\\b`).test(plain)) {
				problems.push(`${where}: writes “${word.toLowerCase()}”; the defined term is “${word}”`);
			}
		}
	}
	return [...problems, ...termProblems(template, clauses)];
}

/** Words that say which part without naming one ("the locked clause", "the following sections"). */
const GENERIC_PART = new Set([
	'locked',
	'other',
	'following',
	'preceding',
	'above',
	'below',
	'same',
	'previous',
	'next',
	'remaining',
	'relevant',
	'applicable',
	'required',
	'optional',
	'two',
	'three',
	'several',
	'and',
	'or',
	'of'
]);
/** Words a part's name does not run across ("the report under the Data Reporting section"). */
const NOT_IN_NAME = 'in|under|this|that|these|those|every|each|any|all|its|their|with|to|from|by|for|per|on|at|as|is|are|an?|see|the';
const BY_NAME = new RegExp(`\\bthe ((?:(?!(?:${NOT_IN_NAME})\\b)[a-z][a-z-]*,? ){1,5})(sections?|clauses?)\\b`, 'gi');

/**
 * Parts of the MOU named in words ("the Roles section", "the selection and evaluation sections",
 * "the decision-to-arrest clause"), whatever their case: a name goes stale when clauses move, a
 * cross-reference does not.
 */
export function sectionsByName(text: string): string[] {
	return [...text.matchAll(BY_NAME)]
		.filter((match) => match[1].split(/[\s,]+/).some((word) => word && !GENERIC_PART.has(word.toLowerCase())))
		.map((match) => match[0]);
}

function termProblems(template: Template, clauses: Clause[]): string[] {
	const problems: string[] = [];
	const keys = new Map(template.terms.map((term) => [term.key, term]));
	for (const term of template.terms) {
		if (!term.help?.trim()) problems.push(`term ${term.key}: no help text saying what it governs`);
		if (term.type === 'choice' && !term.options?.length) problems.push(`term ${term.key}: a choice term needs options`);
		if (term.type !== 'choice' && term.options) problems.push(`term ${term.key}: only choice terms may have options`);
	}
	for (const clause of clauses) {
		if (!clause.printWhen) continue;
		const term = keys.get(clause.printWhen);
		if (!term) problems.push(`clause ${clause.id}: printWhen names unknown term ${clause.printWhen}`);
		else if (term.required) problems.push(`clause ${clause.id}: printWhen term ${clause.printWhen} is required, so the block would always print`);
		if (clause.level === 'required') problems.push(`clause ${clause.id}: a required clause cannot be an optional block`);
	}
	return problems;
}

/**
 * Defined term → the clause that defines it: the clause's `defines`, and any capitalised phrase in
 * curly quotes (the drafting convention: “Covered Schools” means …, the “Agency”).
 */
function definedTerms(clauses: Clause[], texts: (block: Block) => string[]): Map<string, Clause> {
	const definers = new Map<string, Clause>();
	for (const clause of clauses) {
		for (const word of clause.defines ?? []) definers.set(word, clause);
		for (const text of clause.body.flatMap(texts)) {
			for (const match of text.matchAll(/“([A-Z][A-Za-z ]*?)[,.]?”/g)) if (!definers.has(match[1])) definers.set(match[1], clause);
		}
	}
	return definers;
}

function usesWord(text: string, word: string): boolean {
	return new RegExp(`(?<![\\w“])${escape(word)}(?![\\w”])`).test(text);
}

/** Text as read, without placeholders, references or marks (a term key is not a use of a word). */
function stripSyntax(text: string): string {
	return text.replace(/\{\{[^}]*\}\}|\[\[[^\]]*\]\]/g, ' ').replace(/\*+/g, '');
}

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
