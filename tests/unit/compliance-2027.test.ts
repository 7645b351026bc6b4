import { describe, expect, it } from 'vitest';
import { springfieldTerms } from './springfield-terms';
import { loadChecklist, loadTemplate, templateToDocument } from '../../src/lib/server/templates/index';
import { assessCompliance } from '../../src/lib/profiles/compliance';
import type { DocNode, TermValues } from '../../src/lib/templates/types';

/** Template 2027.1's compliance check fed drafts a hostile or careless counsel could produce. */

const template = loadTemplate('sro-mou', '2027.1');
const checklist = loadChecklist('sro-mou', '2027.1');
const fresh = templateToDocument(template);

const FILLED: TermValues = springfieldTerms(template, { state_name: 'Illinois' });

function assess(document: DocNode = fresh, values: TermValues = FILLED, openSuggestions = 0) {
	return assessCompliance({ checklist, template, document, terms: template.terms, termValues: values, openSuggestions });
}

const without = (doc: DocNode, clauseId: string): DocNode => ({
	...doc,
	content: doc.content!.filter((n) => n.attrs?.clauseId !== clauseId)
});

function withClause(doc: DocNode, after: string, clause: DocNode): DocNode {
	const content = [...doc.content!];
	content.splice(content.findIndex((n) => n.attrs?.clauseId === after) + 1, 0, clause);
	return { ...doc, content };
}

const added = (title: string, text: string): DocNode => ({
	type: 'clause',
	attrs: { clauseId: 'custom-1', title, level: 'custom', nasro: '', locked: false },
	content: [{ type: 'paragraph', content: [{ type: 'text', text }] }]
});

describe('a complete 2027.1 draft', () => {
	it('is ready for signature, with only approvals left', () => {
		const report = assess();
		expect(report.blockers).toEqual([]);
		expect(report.readyForSignature).toBe(true);
		expect(report.summary).toBe('All 21 mandatory items covered; all 13 recommended covered');
	});
});

describe('drafts that must not be ready', () => {
	it('the definitions deleted (a raw client would have to force it past the lock)', () => {
		const report = assess(without(fresh, 'definitions.terms'));
		expect(report.readyForSignature).toBe(false);
		expect(report.lockedMissing).toContain('definitions.terms');
		expect(report.blockers).toContain('Locked clause missing or changed: definitions.terms.');
	});

	it('a 60-month review interval: refused, and the annual review item not covered', () => {
		const report = assess(fresh, { ...FILLED, review_interval_months: '60' });
		expect(report.readyForSignature).toBe(false);
		expect(report.termErrors.review_interval_months).toBe('Review interval must be at most 12 months.');
		expect(report.items.find((i) => i.id === '04.01.02')).toMatchObject({ status: 'incomplete', awaiting: ['review_interval_months'] });
		expect(report.summary).toMatch(/1 of 13 recommended modified/);
	});

	it('an added clause that overrides a locked one, while a merely related one is only listed', () => {
		const override = withClause(
			fresh,
			'arrests.discretion',
			added('Arrest protocol', 'Notwithstanding the decision-to-arrest clause, the principal decides whether a student is arrested.')
		);
		const report = assess(override);
		expect(report.readyForSignature).toBe(false);
		expect(report.touches).toEqual([
			expect.objectContaining({
				clauseId: 'custom-1',
				kind: 'added',
				overrides: true,
				subjects: [expect.objectContaining({ subject: 'arrest', lockedClauses: ['arrests.discretion'] })]
			})
		]);
		expect(report.blockers.join('\n')).toMatch(/The added clause “Arrest protocol” says it overrides a locked clause on arrest decisions/);
		// The NASRO item itself stays covered: the locked clause governs.
		expect(report.items.find((i) => i.id === '01.01.04-c')?.status).toBe('covered');

		const related = assess(
			withClause(fresh, 'arrests.discretion', added('Diversion programme', 'The District funds a youth court to which an arrest may be diverted.'))
		);
		expect(related.touches.map((t) => t.overrides)).toEqual([false]);
		expect(related.readyForSignature).toBe(true);
	});

	it('an edited unlocked clause that waives a locked protection', () => {
		const doc = structuredClone(fresh);
		const searches = doc.content!.find((n) => n.attrs?.clauseId === 'arrests.alternatives')!;
		searches.content!.push({
			type: 'paragraph',
			content: [{ type: 'text', text: 'Handcuffs may be used on any student regardless of the restraint clause.' }]
		});
		const report = assess(doc);
		expect(report.touches).toEqual([expect.objectContaining({ clauseId: 'arrests.alternatives', kind: 'edited', overrides: true })]);
		expect(report.touches[0].subjects.map((t) => t.subject)).toEqual(['force']);
		expect(report.readyForSignature).toBe(false);

		// Words typed into a paragraph count, the template's own words around them do not
		// (the paragraph already speaks of a student's disability).
		const typed = structuredClone(fresh);
		const paragraph = typed.content!.find((n) => n.attrs?.clauseId === 'arrests.alternatives')!.content![0];
		const text = paragraph.content![0];
		text.text = text.text!.replace('before an arrest', 'before an arrest, notwithstanding the arrest clause,');
		expect(assess(typed).touches.map((t) => t.subjects.map((x) => x.subject))).toEqual([['arrest']]);
	});

	it('an empty school list', () => {
		const report = assess(fresh, { ...FILLED, schools_covered: '' });
		expect(report.readyForSignature).toBe(false);
		expect(report.emptyRequiredTerms).toEqual(['schools_covered']);
		expect(report.blockers).toContain('1 required term still empty: Schools covered.');
		expect(report.items.find((i) => i.id === '01.01.04')).toMatchObject({ status: 'incomplete', awaiting: ['schools_covered'] });
	});

	it('an empty cost per SRO leaves the expenses item uncovered', () => {
		const report = assess(fresh, { ...FILLED, sro_annual_cost: '' });
		expect(report.mandatoryMissing).toEqual(['01.01.04-j']);
		expect(report.blockers).toContain('Mandatory item NASRO 01.01.04-j needs a valid value for “Annual cost per SRO”.');
	});

	it('fewer SROs than Covered Schools does not meet one SRO per school (recommended, so listed not blocking)', () => {
		const report = assess(fresh, { ...FILLED, schools_covered: 'A School\nB School\nC School', sro_count: '2' });
		expect(report.items.find((i) => i.id === '02.01.03')).toMatchObject({ status: 'incomplete', awaiting: ['sro_count'] });
		expect(report.readyForSignature).toBe(true);
	});

	it('open suggestions, and a cross-reference to a removed clause', () => {
		expect(assess(fresh, FILLED, 2).blockers).toEqual(['2 open suggestions must be accepted, rejected or withdrawn.']);
		const report = assess(without(fresh, 'funding.invoicing'));
		expect(report.danglingReferences).toEqual(['funding.invoicing']);
		expect(report.readyForSignature).toBe(false);
	});
});
