import type { TemplateTerm, TermValues } from './types';

/**
 * Which NASRO items wait on a term value: an item a term `covers` is not covered while that term
 * is empty or refused (its NASRO bounds included: a 60-month review interval does not cover the
 * annual review), nor while a count falls short of what it is counted against (fewer SROs than
 * Covered Schools does not meet one SRO per school).
 */
export function itemsAwaitingValues(terms: readonly TemplateTerm[], values: TermValues, errors: Readonly<Record<string, string>>): Map<string, string[]> {
	const byKey = new Map(terms.map((term) => [term.key, term]));
	const awaiting = new Map<string, string[]>();
	for (const term of terms) {
		if (!term.covers?.length) continue;
		const value = values[term.key]?.trim() ?? '';
		const short = term.atLeastCountOf ? shortOfCount(value, values[term.atLeastCountOf], byKey.get(term.atLeastCountOf)) : false;
		if (value && !errors[term.key] && !short) continue;
		for (const id of term.covers) awaiting.set(id, [...(awaiting.get(id) ?? []), term.key]);
	}
	return awaiting;
}

/** Lines of a list term ("one school per line"), or its `;`-separated parts when on one line. */
export function listCount(value: string | undefined): number {
	const v = (value ?? '').trim();
	if (!v) return 0;
	const lines = v
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter(Boolean);
	return lines.length > 1
		? lines.length
		: v
				.split(';')
				.map((part) => part.trim())
				.filter(Boolean).length;
}

function shortOfCount(value: string, list: string | undefined, listTerm: TemplateTerm | undefined): boolean {
	if (!listTerm || !/^\d+$/.test(value)) return false;
	return Number(value) < listCount(list);
}
