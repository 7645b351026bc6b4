import { describe, expect, it } from 'vitest';
import { loadChecklist, loadTemplate, templateToDocument } from '../../src/lib/server/templates/index';
import { loadProfile } from '../../src/lib/server/profiles/index';
import { applyProfile, missingRequiredSigners, profileProblems } from '../../src/lib/profiles';
import { assessCompliance, clauseText } from '../../src/lib/profiles/compliance';
import { clauseToNode } from '../../src/lib/templates/document';
import type { StateProfile } from '../../src/lib/profiles/types';
import type { TermValues } from '../../src/lib/templates/types';
import { springfieldTerms } from './springfield-terms';

/** Washington on template 2027.1: RCW 28A.320.124–.1242. */

const base = loadTemplate('sro-mou', '2027.1');
const checklist = loadChecklist('sro-mou', '2027.1');
const wa = loadProfile('wa', '2027.1');
const template = applyProfile(base, wa);
const clauses = template.sections.flatMap((s) => s.clauses);
const textOf = (id: string) => clauseText(clauseToNode(clauses.find((c) => c.id === id)!));

// The demo's shared figures (counts, dates, costs) with a Washington district's parties.
const VALUES: TermValues = springfieldTerms(template, {
	agency_entity_name: 'City of Tacoma',
	agency_name: 'Tacoma Police Department',
	district_name: 'Tacoma Public Schools',
	agency_head_name: 'Avery Moore',
	superintendent_name: 'Josh Garcia',
	cooperation_statute: 'the Interlocal Cooperation Act, chapter 39.34 RCW',
	agency_notice_address: '3701 S Pine St',
	district_notice_address: '601 S 8th St',
	schools_covered: 'Lincoln High School\nStadium High School',
	board_president_name: 'Lisa Keating',
	board_approval_date: '2027-07-15'
});

const assess = (values: TermValues = VALUES) =>
	assessCompliance({ checklist, template, document: templateToDocument(template), terms: template.terms, termValues: values, profile: wa });

describe('Washington 2027.1', () => {
	it('passes the profile lint, required signers included', () => {
		expect(profileProblems(wa, base, checklist)).toEqual([]);
		const broken = { ...wa, requiredSigners: [{ capacity: 'board_president', party: 'agency', cite: null }] } as unknown as StateProfile;
		expect(profileProblems(broken, base, checklist)).toEqual(
			expect.arrayContaining([
				'wa@2027.1: required signer board_president cannot sign for the agency',
				'wa@2027.1: required signers lack agency_head',
				'wa@2027.1: required signers lack superintendent'
			])
		);
	});

	it('filled in, with the board’s approval date, is ready', () => {
		const report = assess();
		expect(report.blockers).toEqual([]);
		expect(report.state!.items.find((i) => i.id === 'WA-6')!.status).toBe('covered');
	});

	it('the board approval date is a required term, and the board block states it', () => {
		expect(template.terms.find((t) => t.key === 'board_approval_date')).toMatchObject({ required: true, type: 'date' });
		expect(textOf('signatures.board')).toMatch(/^Adopted by the Board of Directors of \{\{district_name\}\} on \{\{board_approval_date\}\}/);
		const report = assess({ ...VALUES, board_approval_date: '' });
		expect(report.emptyRequiredTerms).toContain('board_approval_date');
		expect(report.readyForSignature).toBe(false);
		expect(report.blockers.join('\n')).toMatch(/Date of board approval/);
		// Outside Washington it stays optional.
		expect(base.terms.find((t) => t.key === 'board_approval_date')!.required).toBe(false);
	});

	it('requires the board president’s signature besides the two heads', () => {
		const heads = [
			{ party: 'agency', capacity: 'agency_head' },
			{ party: 'district', capacity: 'superintendent' }
		];
		expect(missingRequiredSigners(wa, heads)).toBe(
			'Washington requires the school board president (for the district) to sign (RCW 28A.320.1242(1)). Add this signer before sending.'
		);
		expect(missingRequiredSigners(wa, [...heads, { party: 'district', capacity: 'board_president' }])).toBeNull();
		expect(missingRequiredSigners(loadProfile('il', '2027.1'), heads)).toBeNull();
		expect(missingRequiredSigners(loadProfile('none', '2027.1'), [heads[1]])).toMatch(/^Every MOU needs the agency head \(for the agency\) to sign/);
	});
});
