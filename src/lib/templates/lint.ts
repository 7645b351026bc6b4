import { inlineProblems, placeholderKeys } from './inline';
import { validateTerms } from './terms';
import { dependencyProblems } from './lint-dependencies';
import type { Block, ChecklistItem, Template } from './types';

/**
 * Everything that would make a template version unfit to publish, as readable lines
 * ("clause arrests.discretion: unknown term {{state}}"). Empty means the template is sound.
 */
export function templateProblems(template: Template, checklist: readonly ChecklistItem[]): string[] {
	return [
		...termProblems(template, checklist),
		...clauseProblems(template, checklist),
		...coverageProblems(template, checklist),
		...(template.lockedCore ? dependencyProblems(template, blockTexts) : [])
	];
}

function termProblems(template: Template, checklist: readonly ChecklistItem[]): string[] {
	const problems = duplicates(template.terms.map((t) => t.key)).map((key) => `term ${key}: defined twice`);
	const keys = new Set(template.terms.map((t) => t.key));
	const ids = new Set(checklist.map((item) => item.id));
	for (const term of template.terms) {
		for (const id of term.covers ?? []) if (!ids.has(id)) problems.push(`term ${term.key}: covers unknown NASRO id ${id}`);
		if (term.sumGroup && term.type !== 'percent') problems.push(`term ${term.key}: only percent terms may have a sumGroup`);
		if (term.atLeastCountOf && !keys.has(term.atLeastCountOf)) problems.push(`term ${term.key}: atLeastCountOf names unknown term ${term.atLeastCountOf}`);
		if (term.notBefore && !keys.has(term.notBefore)) problems.push(`term ${term.key}: notBefore names unknown term ${term.notBefore}`);
	}
	const defaults = Object.fromEntries(template.terms.map((t) => [t.key, t.default]));
	for (const [key, message] of Object.entries(validateTerms(template.terms, defaults))) {
		if (defaults[key] !== undefined) problems.push(`term ${key}: default is invalid — ${message}`);
	}
	return problems;
}

function clauseProblems(template: Template, checklist: readonly ChecklistItem[]): string[] {
	const clauses = template.sections.flatMap((s) => s.clauses);
	const problems = [
		...duplicates(template.sections.map((s) => s.id)).map((id) => `section ${id}: id used twice`),
		...duplicates(clauses.map((c) => c.id)).map((id) => `clause ${id}: id used twice`)
	];
	const levels = new Map(checklist.map((item) => [item.id, item.level]));
	const termKeys = new Set(template.terms.map((t) => t.key));
	for (const clause of clauses) {
		const where = `clause ${clause.id}`;
		if (clause.body.length === 0) problems.push(`${where}: empty body`);
		for (const id of clause.nasro) if (!levels.has(id)) problems.push(`${where}: unknown NASRO id ${id}`);
		const itemLevels = clause.nasro.map((id) => levels.get(id));
		if (itemLevels.includes('M') && clause.level !== 'required') problems.push(`${where}: covers a mandatory item, so it must be required`);
		if (clause.level === 'required' && !itemLevels.includes('M') && !clause.law && !clause.lockReason?.trim()) {
			problems.push(`${where}: required but covers no mandatory item and gives no lockReason`);
		}
		if (clause.level === 'recommended' && !itemLevels.includes('R')) problems.push(`${where}: recommended but covers no recommended item`);
		if (template.lockedCore && clause.level === 'required' && !clause.subjects?.length) problems.push(`${where}: required clause has no subject tags`);
		if (clause.level === 'standard' && itemLevels.some((l) => l === 'M' || l === 'R')) problems.push(`${where}: standard clause carries a graded NASRO item`);
		for (const text of clause.body.flatMap(blockTexts)) {
			for (const problem of inlineProblems(text)) problems.push(`${where}: ${problem}`);
			for (const key of placeholderKeys(text)) if (!termKeys.has(key)) problems.push(`${where}: unknown term {{${key}}}`);
			if (/\b(TBD|TODO|XXX)\b|\[insert/i.test(text)) problems.push(`${where}: unfinished text “${text.slice(0, 40)}…”`);
		}
	}
	return problems;
}

/** Every mandatory checklist item must be carried by a required (locked) clause. */
function coverageProblems(template: Template, checklist: readonly ChecklistItem[]): string[] {
	const required = new Set(
		template.sections
			.flatMap((s) => s.clauses)
			.filter((c) => c.level === 'required')
			.flatMap((c) => c.nasro)
	);
	return checklist.filter((item) => item.level === 'M' && !required.has(item.id)).map((item) => `NASRO ${item.id}: mandatory item has no required clause`);
}

/** The inline-text strings a block holds. */
export function blockTexts(block: Block): string[] {
	if (typeof block === 'string') return [block];
	if ('list' in block) return block.list;
	if ('ordered' in block) return block.ordered;
	if ('table' in block) return [...block.table.header, ...block.table.rows.flat()];
	return [];
}

function duplicates(values: string[]): string[] {
	return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}
