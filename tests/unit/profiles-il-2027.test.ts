import { describe, expect, it } from 'vitest';
import { springfieldTerms } from './springfield-terms';
import { loadChecklist, loadTemplate, templateToDocument } from '../../src/lib/server/templates/index';
import { loadProfile } from '../../src/lib/server/profiles/index';
import { applyProfile, profileProblems } from '../../src/lib/profiles';
import { assessCompliance } from '../../src/lib/profiles/compliance';
import { clauseText } from '../../src/lib/profiles/compliance';
import { clauseToNode } from '../../src/lib/templates/document';
import type { DocNode, TermValues } from '../../src/lib/templates/types';

/** Illinois on template 2027.1: 105 ILCS 5/10-20.68 as in force from 2026-07-01. */

const base = loadTemplate('sro-mou', '2027.1');
const checklist = loadChecklist('sro-mou', '2027.1');
const il = loadProfile('il', '2027.1');
const template = applyProfile(base, il);
const clauses = template.sections.flatMap((s) => s.clauses);
const textOf = (id: string) => clauseText(clauseToNode(clauses.find((c) => c.id === id)!));

const VALUES: TermValues = springfieldTerms(template);

function assess(document: DocNode = templateToDocument(template), values: TermValues = VALUES) {
	return assessCompliance({ checklist, template, document, terms: template.terms, termValues: values, profile: il });
}

function withSentence(clauseId: string, sentence: string): DocNode {
	const doc = templateToDocument(template);
	const paragraph = doc.content!.find((n) => n.attrs?.clauseId === clauseId)!.content![0];
	paragraph.content = [...(paragraph.content ?? []), { type: 'text', text: ` ${sentence}` }];
	return doc;
}

/** Runs of `size` words, lower case, punctuation dropped. */
function wordRuns(text: string, size: number): Set<string> {
	const words = text
		.toLowerCase()
		.replace(/[^a-z0-9’' ]+/g, ' ')
		.split(/\s+/)
		.filter(Boolean);
	return new Set(words.slice(0, Math.max(0, words.length - size + 1)).map((_, i) => words.slice(i, i + size).join(' ')));
}

describe('Illinois 2027.1', () => {
	it('passes the profile lint against 2027.1', () => {
		expect(profileProblems(il, base, checklist)).toEqual([]);
	});

	it('as started, is compliant and ready, every Illinois item covered', () => {
		const report = assess();
		expect(report.state!.items.map((i) => [i.id, i.status])).toEqual(il.items.map((i) => [i.id, 'covered']));
		expect(report.blockers).toEqual([]);
		expect(report.readyForSignature).toBe(true);
	});

	it('offers no citation or ticket as an option anywhere: the alternatives clause is Illinois’s too', () => {
		expect(textOf('arrests.alternatives')).not.toMatch(/citation|ticket/i);
		for (const clause of clauses) {
			const text = clauseText(clauseToNode(clause));
			// A sentence that speaks of the SRO's options (the data report only counts them).
			const options = text.split(/(?<=[.;])\s+/).filter((s) => /\b(before|may|considers?|instead of)\b.*\b(citations?|tickets?|cite)\b/i.test(s));
			for (const sentence of options) {
				expect(sentence, clause.id).toMatch(/\b(not|no|never)\b/i);
			}
		}
	});

	it('the two arrest clauses do not say the same thing twice', () => {
		const discretion = wordRuns(textOf('arrests.discretion'), 6);
		const shared = [...wordRuns(textOf('arrests.alternatives'), 6)].filter((run) => discretion.has(run));
		expect(shared).toEqual([]);
	});

	it('flags “before an arrest or citation” typed back into the alternatives clause', () => {
		const report = assess(withSentence('arrests.alternatives', 'The SRO may give a warning before an arrest or citation.'));
		expect(report.state!.items.find((i) => i.id === 'IL-3')!.status).toBe('conflict');
		expect(report.state!.forbidden.map((f) => f.clauseId)).toEqual(['arrests.alternatives']);
		expect(report.readyForSignature).toBe(false);
	});

	it('flags the 2027.1 NASRO-only arrest clause (“arrest, cite or take …”)', () => {
		const nasro = base.sections.flatMap((s) => s.clauses).find((c) => c.id === 'arrests.discretion')!;
		const doc = templateToDocument({
			...template,
			sections: template.sections.map((s) => ({ ...s, clauses: s.clauses.map((c) => (c.id === nasro.id ? nasro : c)) }))
		});
		const report = assess(doc);
		expect(report.state!.forbidden.map((f) => f.sentence)).toEqual([expect.stringMatching(/^Whether to arrest, cite/)]);
		expect(report.readyForSignature).toBe(false);
	});

	it('flags the questioning clause removed and a state other than Illinois', () => {
		const doc = templateToDocument(template);
		const without = { ...doc, content: doc.content!.filter((n) => n.attrs?.clauseId !== 'il.questioning') };
		expect(assess(without).state!.items.find((i) => i.id === 'IL-4')!.status).toBe('missing');
		const indiana = assess(doc, { ...VALUES, state_name: 'Indiana' });
		expect(indiana.state!.items.find((i) => i.id === 'IL-7')!.status).toBe('modified');
		expect(indiana.readyForSignature).toBe(false);
	});

	it('caps the review interval at 12 months', () => {
		const report = assess(undefined, { ...VALUES, review_interval_months: '18' });
		expect(report.termErrors.review_interval_months).toMatch(/12 months/);
		expect(report.readyForSignature).toBe(false);
	});
});
