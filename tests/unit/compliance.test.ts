import { describe, expect, it } from 'vitest';
import { loadChecklist, loadTemplate, templateToDocument } from '../../src/lib/server/templates/index';
import { assessCompliance, clauseText } from '../../src/lib/profiles/compliance';
import type { DocNode, TermValues } from '../../src/lib/templates/types';

const template = loadTemplate('sro-mou', '2026.1');
const checklist = loadChecklist();

const filledTerms: TermValues = {
	...Object.fromEntries(template.terms.map((t) => [t.key, t.default ?? ''])),
	agency_name: 'Arroyo Grande Police Department',
	agency_head_name: 'Michael Martinez',
	district_name: 'Lucia Mar Unified School District',
	superintendent_name: 'Kimberly Gonzales',
	state_name: 'California',
	agency_notice_address: 'Chief of Police, 200 N. Halcyon Road, Arroyo Grande, CA 93420',
	district_notice_address: 'Superintendent, 602 Orchard Street, Arroyo Grande, CA 93420',
	schools_covered: 'Arroyo Grande High School, 495 Valley Road, Arroyo Grande, CA 93420',
	term_start: '2027-08-01',
	term_end: '2028-07-31',
	annual_cost: '163800.00',
	extra_duty_rate: '95.00'
};

function assess(document: DocNode, termValues: TermValues = filledTerms) {
	return assessCompliance({ checklist, template, document, terms: template.terms, termValues });
}

function item(report: ReturnType<typeof assess>, id: string) {
	return report.items.find((i) => i.id === id)!;
}

function withoutClause(doc: DocNode, clauseId: string): DocNode {
	return { ...doc, content: doc.content!.filter((n) => n.attrs?.clauseId !== clauseId) };
}

/** Replaces the first text node of a clause, as an edit in the editor would. */
function withClauseText(doc: DocNode, clauseId: string, edit: (text: string) => string): DocNode {
	const copy = structuredClone(doc);
	const clause = copy.content!.find((n) => n.attrs?.clauseId === clauseId)!;
	const textNode = findText(clause)!;
	textNode.text = edit(textNode.text!);
	return copy;
}

function findText(node: DocNode): DocNode | undefined {
	if (node.type === 'text') return node;
	for (const child of node.content ?? []) {
		const found = findText(child);
		if (found) return found;
	}
	return undefined;
}

describe('assessCompliance', () => {
	const untouched = templateToDocument(template);

	it('finds the untouched template fully covered and ready once required terms are filled', () => {
		const report = assess(untouched);
		expect(report.items).toHaveLength(checklist.length);
		expect(report.items.filter((i) => i.status !== 'covered')).toEqual([]);
		expect(report.mandatoryMissing).toEqual([]);
		expect(report.emptyRequiredTerms).toEqual([]);
		expect(report.termErrors).toEqual({});
		expect(report.summary).toBe('All 21 mandatory items covered; all 13 recommended covered');
		expect(report.readyForSignature).toBe(true);
	});

	it('is not ready while required terms are empty, and names them', () => {
		const report = assess(untouched, { ...filledTerms, agency_name: '', term_end: ' ' });
		expect(report.emptyRequiredTerms).toEqual(['agency_name', 'term_end']);
		expect(report.summary).toBe('All 21 mandatory items covered; all 13 recommended covered; 2 required terms empty');
		expect(report.readyForSignature).toBe(false);
	});

	it('is not ready while a filled term is invalid', () => {
		const report = assess(untouched, { ...filledTerms, agency_cost_share: '80' });
		expect(report.termErrors.agency_cost_share).toMatch(/add up to 100%/);
		expect(report.readyForSignature).toBe(false);
	});

	it('reports a removed recommended clause as missing, and the draft can still be signed', () => {
		const report = assess(withoutClause(untouched, 'office.space'));
		expect(item(report, '01.01.04-k')).toMatchObject({ status: 'missing', level: 'R', clauseIds: ['office.space'] });
		expect(report.summary).toBe('All 21 mandatory items covered; 1 of 13 recommended removed');
		expect(report.readyForSignature).toBe(true);
	});

	it('reports an edited recommended clause as modified', () => {
		const edited = withClauseText(untouched, 'training.advanced', (t) => t.replace('one year', 'three years'));
		const report = assess(edited);
		expect(item(report, '03.03.01').status).toBe('modified');
		expect(report.summary).toBe('All 21 mandatory items covered; 1 of 13 recommended modified');
	});

	it('counts removed and modified recommended items together', () => {
		let doc = withoutClause(untouched, 'office.space');
		doc = withoutClause(doc, 'extracurricular.events');
		doc = withClauseText(doc, 'less_lethal.tools', (t) => `${t} Tasers are not carried.`);
		expect(assess(doc).summary).toBe('All 21 mandatory items covered; 2 of 13 recommended removed, 1 modified');
	});

	it('marks an item modified when only one of the clauses carrying it is gone', () => {
		const report = assess(withoutClause(untouched, 'review.annual'));
		expect(item(report, '04.01.02')).toMatchObject({ status: 'modified', clauseIds: ['roles.partnership', 'review.annual'] });
	});

	it('ignores whitespace and term values, but not a swapped term', () => {
		const spaced = withClauseText(untouched, 'training.advanced', (t) => `  ${t.replaceAll(' ', '   ')} `);
		expect(item(assess(spaced), '03.03.01').status).toBe('covered');
		const swapped = structuredClone(untouched);
		const clause = swapped.content!.find((n) => n.attrs?.clauseId === 'evaluation.probation')!;
		clause.content![0].content!.find((n) => n.type === 'term')!.attrs = { key: 'review_interval_months' };
		expect(item(assess(swapped), '02.01.07').status).toBe('modified');
	});

	it('blocks signature when a mandatory clause is missing or altered', () => {
		const removed = assess(withoutClause(untouched, 'arrests.discretion'));
		expect(item(removed, '01.01.04-c').status).toBe('missing');
		expect(removed.mandatoryMissing).toEqual(['01.01.04-c']);
		expect(removed.summary).toBe('1 of 21 mandatory items not covered; all 13 recommended covered');
		expect(removed.readyForSignature).toBe(false);
		const altered = assess(withClauseText(untouched, 'weapons.storage', (t) => t.replace('Agency policy', 'school policy')));
		expect(altered.mandatoryMissing).toEqual(['01.01.04-f']);
		expect(altered.readyForSignature).toBe(false);
	});

	it('treats a custom clause claiming a NASRO item as modified coverage, not as the template text', () => {
		const doc = withoutClause(untouched, 'office.space');
		doc.content!.push({
			type: 'clause',
			attrs: { clauseId: 'custom-1', title: 'Office', level: 'custom', nasro: '01.01.04-k', locked: false },
			content: [{ type: 'paragraph', content: [{ type: 'text', text: 'The SRO shares the front office.' }] }]
		});
		expect(item(assess(doc), '01.01.04-k')).toMatchObject({ status: 'modified', clauseIds: ['office.space', 'custom-1'] });
	});

	it('stops asking for a required term once every clause using it is removed', () => {
		const doc = withoutClause(untouched, 'evaluation.probation');
		const report = assess(doc, { ...filledTerms, probation_months: '', agency_name: '' });
		expect(report.emptyRequiredTerms).toEqual(['agency_name']);
		// district_time_zone appears in no clause but drives reminders: always required.
		expect(assess(doc, { ...filledTerms, district_time_zone: '' }).emptyRequiredTerms).toEqual(['district_time_zone']);
	});
});

describe('clauseText', () => {
	it('joins text blocks by line, shows terms by key and ignores marks and extra spaces', () => {
		const node: DocNode = {
			type: 'clause',
			content: [
				{
					type: 'paragraph',
					content: [
						{ type: 'text', text: 'Bold', marks: [{ type: 'bold' }] },
						{ type: 'text', text: '  words\u00a0here ' }
					]
				},
				{
					type: 'bulletList',
					content: [
						{
							type: 'listItem',
							content: [
								{
									type: 'paragraph',
									content: [
										{ type: 'text', text: 'Paid by ' },
										{ type: 'term', attrs: { key: 'district_name' } }
									]
								}
							]
						}
					]
				},
				{ type: 'paragraph' }
			]
		};
		expect(clauseText(node)).toBe('Bold words here\nPaid by {{district_name}}');
	});
});
