import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Our templates and state profiles are in our own words: no run of 6 words is NASRO's. The
 * standards are copyrighted, so the repository keeps only a short hash of each of their 6-word
 * runs (tests/helpers/nasro-runs.txt, written by scripts/nasro-runs.js).
 */

const RUN = 6;
const nasro = new Set(readFileSync('tests/helpers/nasro-runs.txt', 'utf8').split('\n').filter(Boolean));
const hash = (run: string) => createHash('sha256').update(run).digest('hex').slice(0, 16);

function sharedRuns(text: string): string[] {
	const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
	const found: string[] = [];
	for (let i = 0; i + RUN <= words.length; i++) {
		const run = words.slice(i, i + RUN).join(' ');
		if (nasro.has(hash(run))) found.push(run);
	}
	return found;
}

/** Every string under a clause's body, as one text per clause. */
function bodyText(value: unknown): string {
	if (typeof value === 'string') return value;
	if (Array.isArray(value)) return value.map(bodyText).join(' ');
	if (value && typeof value === 'object') return Object.values(value).map(bodyText).join(' ');
	return '';
}

interface Doc {
	sections?: { clauses: { id: string; body: unknown }[] }[];
	replaceClauses?: { clause: string; body: unknown }[];
	addClauses?: { clause: { id: string; body: unknown } }[];
}

function clauseTexts(doc: Doc): [string, string][] {
	return [
		...(doc.sections ?? []).flatMap((s) => s.clauses.map((c): [string, string] => [c.id, bodyText(c.body)])),
		...(doc.replaceClauses ?? []).map((r): [string, string] => [r.clause, bodyText(r.body)]),
		...(doc.addClauses ?? []).map((a): [string, string] => [a.clause.id, bodyText(a.clause.body)])
	];
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Doc;

describe('our own words', () => {
	it('the hash list covers the whole of the standards', () => {
		expect(nasro.size).toBeGreaterThan(1000);
	});

	it.each(['2027.1'])('template sro-mou %s shares no 6-word run with NASRO’s standards', (version) => {
		const shared = clauseTexts(read(`templates/sro-mou/${version}/template.json`)).flatMap(([id, text]) => sharedRuns(text).map((run) => `${id}: ${run}`));
		expect(shared).toEqual([]);
	});

	it('the 2027.1 state profiles share none either', () => {
		const codes = readdirSync('templates/states', { withFileTypes: true }).filter((entry) => entry.isDirectory());
		expect(codes.map((entry) => entry.name).sort()).toEqual(['il', 'none', 'va', 'wa']);
		const shared = codes
			.map((entry) => entry.name)
			.flatMap((code) =>
				clauseTexts(read(join('templates/states', code, '2027.1', 'profile.json'))).flatMap(([id, text]) =>
					sharedRuns(text).map((run) => `${code} ${id}: ${run}`)
				)
			);
		expect(shared).toEqual([]);
	});
});
