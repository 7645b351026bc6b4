import { describe, expect, it } from 'vitest';
import { springfieldTerms } from './springfield-terms';
import { loadChecklist, loadTemplate, templateToDocument } from '../../src/lib/server/templates/index';
import { assessCompliance } from '../../src/lib/profiles/compliance';
import type { DocNode, TermValues } from '../../src/lib/templates/types';

/**
 * Added text that sets a locked clause aside, in the many ways counsel can phrase it: each one
 * must keep the 2027.1 draft from being ready; related text that derogates from nothing is only listed.
 */

const template = loadTemplate('sro-mou', '2027.1');
const checklist = loadChecklist('sro-mou', '2027.1');
const fresh = templateToDocument(template);

const FILLED: TermValues = springfieldTerms(template, { state_name: 'Illinois' });

function withAdded(content: DocNode[], after = 'general.provisions'): DocNode {
	const nodes = [...fresh.content!];
	nodes.splice(nodes.findIndex((n) => n.attrs?.clauseId === after) + 1, 0, {
		type: 'clause',
		attrs: { clauseId: 'custom-1', title: 'Local arrangements', level: 'custom', nasro: '', locked: false },
		content: [{ type: 'paragraph', content }]
	});
	return { ...fresh, content: nodes };
}

const text = (value: string): DocNode => ({ type: 'text', text: value });
const assess = (document: DocNode) => assessCompliance({ checklist, template, document, terms: template.terms, termValues: FILLED });

/** The number the draft gives a clause ("5.2"), read from the heading order. */
function numberOf(clauseId: string): string {
	let section = 0;
	let clause = 0;
	for (const node of fresh.content!) {
		if (node.type === 'heading' && node.attrs?.level === 2) [section, clause] = [section + 1, 0];
		else if (node.type === 'clause') {
			clause += 1;
			if (node.attrs?.clauseId === clauseId) return `${section}.${clause}`;
		}
	}
	throw new Error(`no clause ${clauseId}`);
}

describe('derogating text touching a locked subject blocks readiness', () => {
	it.each([
		['In lieu of the arrest clause, the principal decides whether a student is arrested.', 'in lieu of'],
		['The decision-to-arrest clause does not apply at Lincoln Middle School.', 'does not apply'],
		['The restraint rules shall not apply to students over 16.', 'shall not apply'],
		['Notwithstanding the camera clause, the Agency may view school cameras live.', 'notwithstanding'],
		['The Agency is exempt from the weapons storage requirements at Lincoln.', 'exempt'],
		['The District waives the annual training requirement for the first year.', 'waives'],
		['The SRO follows the chain of command, except that the principal may direct the SRO.', 'except that'],
		['Instead of the school deciding discipline, the SRO may suspend a student.', 'instead of'],
		['This clause supersedes the confidentiality clause.', 'supersedes'],
		['The uniform requirement doesn\u2019t apply on spirit days.', "doesn't apply"],
		['Training of the SRO need not include the basic course.', 'need not'],
		['The selection rules are suspended for the 2027\u201328 school year.', 'are suspended']
	])('“%s”', (sentence, phrase) => {
		const report = assess(withAdded([text(sentence)]));
		expect(report.readyForSignature).toBe(false);
		expect(report.touches).toEqual([expect.objectContaining({ clauseId: 'custom-1', overrides: true, derogation: phrase })]);
		expect(report.blockers.join('\n')).toMatch(
			/The added clause “Local arrangements” says it overrides a locked clause on .+; under the order of precedence it has no effect/
		);
	});

	it('a locked clause named only by its number, its title or a cross-reference', () => {
		const byNumber = assess(withAdded([text(`Section ${numberOf('arrests.discretion')} does not apply at Lincoln.`)]));
		expect(byNumber.touches[0]).toMatchObject({ overrides: true, subjects: [{ subject: 'arrest', lockedClauses: ['arrests.discretion'] }] });
		expect(byNumber.readyForSignature).toBe(false);

		const byTitle = assess(withAdded([text('The Partnership and defined responsibilities clause does not bind the District.')]));
		expect(byTitle.touches[0]).toMatchObject({ overrides: true });
		expect(byTitle.touches[0].subjects.flatMap((s) => s.lockedClauses)).toContain('roles.collaboration');

		const byReference = assess(
			withAdded([text('The parties agree that '), { type: 'clauseRef', attrs: { target: 'parties.authority' } }, text(' has no effect at Lincoln.')])
		);
		expect(byReference.touches[0]).toMatchObject({ overrides: true, derogation: 'has no effect' });
		expect(byReference.readyForSignature).toBe(false);
	});

	it('invisible characters, soft hyphens and full-width letters do not hide the words', () => {
		const hidden = 'Not\u00ADwith\u200Bstanding the restraint clause, handcuffs may be used on any student.';
		expect(assess(withAdded([text(hidden)])).touches[0]).toMatchObject({ overrides: true, derogation: 'notwithstanding' });
		const wide = '\uFF29\uFF4E \uFF4C\uFF49\uFF45\uFF55 \uFF4F\uFF46 the arrest clause, the principal decides.';
		expect(assess(withAdded([text(wide)])).touches[0]).toMatchObject({ overrides: true, derogation: 'in lieu of' });
	});
});

describe('related text without derogation is listed, not blocking', () => {
	it.each([
		'The District funds a youth court to which an arrest may be diverted.',
		'Cameras are not installed in restrooms except in an emergency repair.',
		'The SRO attends training on adolescent development, including but not limited to trauma.'
	])('“%s”', (sentence) => {
		const report = assess(withAdded([text(sentence)]));
		expect(report.touches.map((t) => t.overrides)).toEqual([false]);
		expect(report.readyForSignature).toBe(true);
	});

	it('derogation about an unlocked subject only: not even listed', () => {
		const report = assess(withAdded([text('Notwithstanding the insurance clause, each party carries its own umbrella policy.')]));
		expect(report.touches).toEqual([]);
		expect(report.readyForSignature).toBe(true);
	});
});
