import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../src/lib/server/templates/index';
import { blockTexts } from '../../src/lib/templates/lint';
import { placeholderKeys } from '../../src/lib/templates/inline';

/**
 * templates/README.md's clause-by-clause table of 2027.1 says what counsel may negotiate in each
 * clause; it must be the template's truth: the same clauses, numbers, levels, NASRO IDs, and in
 * "Negotiable" exactly the terms the clause shows.
 */

const template = loadTemplate('sro-mou', '2027.1');
const readme = readFileSync('templates/README.md', 'utf8');
const table = readme.slice(readme.indexOf('## sro-mou 2027.1, clause by clause'));

interface Row {
	number: string;
	id: string;
	title: string;
	level: string;
	nasro: string[];
	negotiable: string;
}

const rows: Row[] = table
	.split('\n')
	.filter((line) => /^\| \d+\.\d+ \|/.test(line))
	.map((line) => {
		const [number, id, title, level, nasro, negotiable] = line
			.split('|')
			.slice(1, -1)
			.map((cell) => cell.trim());
		return { number, id: id.replaceAll('`', ''), title, level, nasro: nasro === '—' ? [] : nasro.split(/,\s*/), negotiable };
	});

const clauses = template.sections.flatMap((section, s) => section.clauses.map((clause, c) => ({ clause, number: `${s + 1}.${c + 1}` })));

describe('templates/README.md, 2027.1 clause by clause', () => {
	it('lists every clause once, in order, with its number, title, level and NASRO IDs', () => {
		expect(rows.map((r) => r.id)).toEqual(clauses.map((c) => c.clause.id));
		for (const { clause, number } of clauses) {
			const row = rows.find((r) => r.id === clause.id)!;
			expect({ number: row.number, title: row.title, level: row.level.replace(/ \(lockReason\)$/, ''), nasro: row.nasro }, clause.id).toEqual({
				number,
				title: clause.title,
				level: clause.level,
				nasro: clause.nasro
			});
			expect(row.level.endsWith('(lockReason)'), `${clause.id} lockReason`).toBe(!!clause.lockReason);
		}
	});

	it('“Negotiable” names exactly the terms each clause shows, and what else may change', () => {
		for (const { clause } of clauses) {
			const row = rows.find((r) => r.id === clause.id)!;
			const shown = [...new Set(clause.body.flatMap(blockTexts).flatMap(placeholderKeys))].sort();
			const termsPart = /terms ((?:`[a-z0-9_]+`(?:, )?)+)/.exec(row.negotiable)?.[1] ?? '';
			const listed = [...termsPart.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]).sort();
			expect(listed, `${clause.id}: terms in “Negotiable”`).toEqual(shown);
			if (clause.level === 'required') {
				expect(row.negotiable, clause.id).not.toMatch(/whole clause/);
				if (!shown.length) expect(row.negotiable, clause.id).toMatch(/^nothing/);
			} else {
				expect(row.negotiable, clause.id).toMatch(/^whole clause/);
			}
			if (clause.printWhen) expect(row.negotiable, clause.id).toContain(`prints only when \`${clause.printWhen}\` is filled`);
		}
	});
});
