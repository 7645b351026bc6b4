import { describe, expect, it } from 'vitest';
import { loadChecklist, loadTemplate, templateToDocument } from '../../src/lib/server/templates/index';
import { allProfiles, currentProfile, loadProfile } from '../../src/lib/server/profiles/index';
import { applyProfile, profileProblems } from '../../src/lib/profiles';
import { assessCompliance } from '../../src/lib/profiles/compliance';
import type { DocNode, Template, TermValues } from '../../src/lib/templates/types';
import type { StateProfile } from '../../src/lib/profiles/types';

// The 2026.1 profiles against the template they name; 2027.1's are linted in the first test.
const base = loadTemplate('sro-mou', '2026.1');
const checklist = loadChecklist('sro-mou', '2026.1');

function filled(template: Template, overrides: TermValues = {}): TermValues {
	const sample: Record<string, string> = { date: '2027-08-01', money: '1000.00', text: 'Sample', longtext: 'Sample text' };
	const values: TermValues = {};
	for (const term of template.terms) values[term.key] = term.default ?? sample[term.type] ?? '1';
	return { ...values, term_end: '2028-07-31', ...overrides };
}

function assess(profile: StateProfile, document?: DocNode, overrides: TermValues = {}) {
	const template = applyProfile(base, profile);
	return assessCompliance({
		checklist,
		template,
		document: document ?? templateToDocument(template),
		terms: template.terms,
		termValues: filled(template, overrides),
		profile
	});
}

/** The draft with one sentence appended to a clause's first paragraph, as counsel typing would. */
function withSentence(doc: DocNode, clauseId: string, sentence: string): DocNode {
	const copy = structuredClone(doc);
	const clause = copy.content!.find((n) => n.attrs?.clauseId === clauseId)!;
	const paragraph = clause.content![0];
	paragraph.content = [...(paragraph.content ?? []), { type: 'text', text: ` ${sentence}` }];
	return copy;
}

const il = currentProfile('il', base)!;
const wa = currentProfile('wa', base)!;
const va = currentProfile('va', base)!;
const none = currentProfile('none', base)!;

describe('state profiles as data', () => {
	it('every published profile refers only to clause ids and terms its templates have, and its own text obeys it', () => {
		for (const version of ['2026.1', '2027.1']) {
			expect(
				allProfiles()
					.filter((p) => p.version === version)
					.map((p) => p.code)
					.sort(),
				version
			).toEqual(['il', 'none', 'va', 'wa']);
		}
		for (const profile of allProfiles()) {
			for (const key of profile.templates) {
				const [id, version] = key.split('@');
				expect(profileProblems(profile, loadTemplate(id, version), loadChecklist(id, version)), key).toEqual([]);
			}
		}
	});

	it('flags a profile naming a clause the template lacks', () => {
		const broken = { ...il, replaceClauses: [{ ...il.replaceClauses[0], clause: 'arrests.nowhere' }] } as StateProfile;
		expect(profileProblems(broken, base, checklist)).toContain('il@2026.1: replaces unknown clause arrests.nowhere');
		const badItem = { ...il, items: [{ id: 'X', summary: 's', cite: 'c', clauses: ['gone'], terms: ['nope'] }] } as StateProfile;
		expect(profileProblems(badItem, base, checklist)).toEqual(
			expect.arrayContaining(['il@2026.1 item X: unknown clause gone', 'il@2026.1 item X: unknown term nope'])
		);
	});

	it('every citation carries its effective date', () => {
		for (const profile of allProfiles()) for (const c of profile.citations) expect(c.effective, c.cite).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(loadProfile('il', '2026.1').inForceFrom).toBe('2026-07-01');
	});
});

describe('Illinois', () => {
	it('replaces the arrest clause’s “may cite” core with the citation ban, still locked', () => {
		const arrests = applyProfile(base, il)
			.sections.flatMap((s) => s.clauses)
			.find((c) => c.id === 'arrests.discretion')!;
		expect(arrests.level).toBe('required');
		expect(JSON.stringify(arrests.body)).toMatch(/will not issue any ticket, citation/);
		expect(JSON.stringify(base.sections.flatMap((s) => s.clauses).find((c) => c.id === 'arrests.discretion')!.body)).toMatch(/arrest, cite/);
	});

	it('the Illinois draft as started is compliant and ready', () => {
		const report = assess(il);
		expect(report.state!.items.map((i) => [i.id, i.status])).toEqual(il.items.map((i) => [i.id, 'covered']));
		expect(report.readyForSignature).toBe(true);
	});

	it('flags “may cite” wording anywhere in the draft, with the statute, and is then not ready', () => {
		const doc = withSentence(templateToDocument(applyProfile(base, il)), 'duties.daily', 'The SRO may also cite students for truancy.');
		const report = assess(il, doc);
		expect(report.state!.items.find((i) => i.id === 'IL-3')!.status).toBe('conflict');
		expect(report.state!.problems[0]).toMatch(/bars SROs from issuing tickets or citations.*105 ILCS 5\/10-20\.68\(a-5\)\(3\).*may also cite students/);
		expect(report.readyForSignature).toBe(false);
	});

	it('flags the NASRO-only arrest clause (arrest, cite, …) as a conflict', () => {
		const template = applyProfile(base, il);
		const nasroArrests = base.sections.flatMap((s) => s.clauses).find((c) => c.id === 'arrests.discretion')!;
		const doc = templateToDocument({
			...template,
			sections: template.sections.map((s) => ({ ...s, clauses: s.clauses.map((c) => (c.id === nasroArrests.id ? nasroArrests : c)) }))
		});
		const report = assess(il, doc);
		expect(report.state!.forbidden.map((f) => f.sentence)).toEqual([
			expect.stringMatching(/^Whether to arrest, cite/),
			expect.stringMatching(/issuing a citation/)
		]);
	});

	it('flags the absence of the Illinois clauses and a state other than Illinois', () => {
		const template = applyProfile(base, il);
		const doc = templateToDocument(template);
		const without = { ...doc, content: doc.content!.filter((n) => n.attrs?.clauseId !== 'il.questioning') };
		expect(assess(il, without).state!.items.find((i) => i.id === 'IL-4')!.status).toBe('missing');
		expect(assess(il, doc, { state_name: 'Indiana' }).state!.items.find((i) => i.id === 'IL-7')!.status).toBe('modified');
	});
});

describe('Washington and Virginia', () => {
	it('Washington caps the review interval at 12 months', () => {
		const report = assess(wa, undefined, { review_interval_months: '18' });
		expect(report.termErrors.review_interval_months).toMatch(/12/);
		expect(report.readyForSignature).toBe(false);
		expect(assess(wa).readyForSignature).toBe(true);
		expect(wa.review.requiredSteps).toEqual(expect.arrayContaining(['board_adoption', 'community_input']));
	});

	it('Virginia defaults to a two-year review, allows no longer, and requires publication', () => {
		const template = applyProfile(base, va);
		expect(template.terms.find((t) => t.key === 'review_interval_months')!.default).toBe('24');
		expect(assess(va, undefined, { review_interval_months: '36' }).readyForSignature).toBe(false);
		expect(va.review.requiresPublication).toBe(true);
	});

	it('none leaves the template as it is', () => {
		expect(applyProfile(base, none)).toBe(base);
		expect(assess(none).state).toBeNull();
	});
});
