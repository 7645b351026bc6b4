import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentSchema } from '../../src/lib/editor/schema';
import { DEFAULT_TEMPLATE, loadChecklist, loadTemplate, templateToDocument } from '../../src/lib/server/templates/index';
import { blockTexts, templateProblems } from '../../src/lib/templates/lint';
import { placeholderKeys, referenceTargets } from '../../src/lib/templates/inline';
import { danglingReferences, numberDocument, resolveReferences } from '../../src/lib/templates/numbering';
import { printableDocument } from '../../src/lib/templates/print';
import { formatTermValue, validateTerm } from '../../src/lib/templates/terms';
import type { DocNode, Template } from '../../src/lib/templates/types';

const template = loadTemplate('sro-mou', '2027.1');
const checklist = loadChecklist('sro-mou', '2027.1');
const clauses = template.sections.flatMap((s) => s.clauses);
const clause = (id: string) => clauses.find((c) => c.id === id)!;
const term = (key: string) => template.terms.find((t) => t.key === key)!;
const copy = () => structuredClone(template) as Template;

function textOf(node: DocNode): string {
	if (node.type === 'text') return node.text ?? '';
	return (node.content ?? []).map(textOf).join(node.type === 'doc' ? '\n' : '');
}

describe('template sro-mou 2027.1', () => {
	it('is what new drafts start from, while 2026.1 stays loadable for the MOUs that use it', () => {
		expect(DEFAULT_TEMPLATE).toEqual({ id: 'sro-mou', version: '2027.1' });
		expect(loadTemplate().version).toBe('2027.1');
		expect(loadTemplate('sro-mou', '2026.1').version).toBe('2026.1');
	});

	it('passes the template lint, dependency rules included', () => {
		expect(templateProblems(template, checklist)).toEqual([]);
	});

	it('locks the definitions, the covered schools and SRO count, the three roles and an order of precedence', () => {
		for (const id of ['definitions.terms', 'definitions.schools', 'definitions.sro', 'roles.triad', 'interpretation.precedence', 'parties.identification']) {
			expect(clause(id).level, id).toBe('required');
		}
		const schools = clause('definitions.schools').body.flatMap(blockTexts).flatMap(placeholderKeys);
		expect(schools).toEqual(['schools_covered', 'sro_count']);
		expect(term('schools_covered').required && term('sro_count').required).toBe(true);
		expect(clause('interpretation.precedence').body.join(' ')).toMatch(/locked clause governs/);
	});

	it('carries the clauses real MOUs carry: force, disabilities, civil rights, cameras, removal, complaints, authority, attestation', () => {
		const text = (id: string) => clause(id).body.flatMap(blockTexts).join(' ');
		expect(clause('force.restraint').level).toBe('required');
		expect(text('force.restraint')).toMatch(/de-escalation first.*never as discipline.*fifth grade.*same day/s);
		expect(text('students.disabilities')).toMatch(/IEP.*Section 504.*300\.535/s);
		expect(text('students.nondiscrimination')).toMatch(/Title VI.*Title IX.*Americans with Disabilities Act/s);
		expect(text('information.cameras')).toMatch(/restrooms, locker rooms or health or counselling spaces/);
		expect(text('information.confidentiality')).toMatch(/survives the end of this MOU/);
		expect(text('selection.process')).toMatch(/collective-bargaining agreement and civil-service rules/);
		expect(text('selection.removal')).toMatch(/for cause/);
		expect(text('complaints.process')).toMatch(/School Administrator.*review the outcome.*retaliates/s);
		expect(text('parties.identification')).toContain('{{agency_entity_name}}, acting through {{agency_name}}');
		expect(text('parties.authority')).toContain('{{cooperation_statute}}');
		expect(text('definitions.sro')).toContain('{{basic_course_deadline_months}}');
		expect(text('term.duration')).toMatch(/twelve months/);
		for (const key of [
			'nonrenewal_notice_days',
			'termination_notice_days',
			'cost_cap',
			'annual_escalator',
			'absence_credit_per_day',
			'late_payment_rate',
			'district_paid_months'
		]) {
			expect(term(key), key).toBeDefined();
		}
	});

	it('prints optional signature blocks only once their signer is named', () => {
		const optional = clauses.filter((c) => c.printWhen).map((c) => `${c.id}:${c.printWhen}`);
		expect(optional).toEqual([
			'signatures.board:board_president_name',
			'signatures.municipal:municipal_signer_name',
			'signatures.attestation:clerk_name',
			'signatures.form_agency:agency_attorney_name',
			'signatures.form_district:district_attorney_name'
		]);
		const doc = templateToDocument(template);
		const ids = (d: DocNode) => (d.content ?? []).filter((n) => n.type === 'clause').map((n) => n.attrs?.clauseId);
		const none = printableDocument(doc, template, {});
		expect(ids(none)).not.toContain('signatures.board');
		expect(ids(none)).toContain('signatures.parties');
		const withBoard = printableDocument(doc, template, { board_president_name: 'Ana Ruiz' });
		expect(ids(withBoard)).toContain('signatures.board');
		expect(ids(withBoard)).not.toContain('signatures.attestation');
	});

	it('is listed clause by clause in templates/README.md with its level and NASRO IDs', () => {
		const readme = readFileSync('templates/README.md', 'utf8');
		for (const c of clauses) {
			const row = readme.split('\n').find((line) => line.includes(`| \`${c.id}\` |`));
			expect(row, c.id).toBeDefined();
			expect(row).toContain(`| ${c.level}`);
			for (const id of c.nasro) expect(row, `${c.id} ${id}`).toContain(id);
		}
	});

	it('gives every term help text that says what it governs', () => {
		for (const t of template.terms) expect(t.help?.length ?? 0, t.key).toBeGreaterThan(20);
	});
});

describe('the 2027.1 term rules refuse values that would not meet NASRO', () => {
	it('refuses a review interval over 12 months and a basic course deadline over a year', () => {
		expect(validateTerm(term('review_interval_months'), '60')).toBe('Review interval must be at most 12 months.');
		expect(validateTerm(term('review_interval_months'), '12')).toBeNull();
		expect(validateTerm(term('basic_course_deadline_months'), '18')).toMatch(/at most 12 months/);
		expect(validateTerm(term('basic_course_hours'), '24')).toMatch(/at least 40/);
		expect(validateTerm(term('annual_training_hours'), '0')).toMatch(/at least 1/);
	});

	it('takes a choice term only from its options and shows the chosen phrase', () => {
		expect(validateTerm(term('camera_access'), 'whatever')).toMatch(/must be one of: live_and_recorded, recorded_on_request, emergency_only/);
		expect(validateTerm(term('camera_access'), 'emergency_only')).toBeNull();
		expect(formatTermValue(term('sis_access'), 'none')).toBe('no log-in access to the District’s student information system');
	});
});

describe('the lint fails drafts of the template that let locked text rest on removable text', () => {
	it('fails when the definitions are no longer required', () => {
		const broken = copy();
		broken.sections.find((s) => s.id === 'definitions')!.clauses.find((c) => c.id === 'definitions.terms')!.level = 'standard';
		const problems = templateProblems(broken, checklist);
		expect(problems).toContain(
			'clause discipline.school_discipline: required clause uses the defined term “Formal School Discipline”, defined in definitions.terms, which is not required'
		);
	});

	it('fails a required clause pointing at a removable clause, by reference or by name, or using an optional term', () => {
		const broken = copy();
		const duties = broken.sections.find((s) => s.id === 'duties')!.clauses[0];
		duties.body = ['Duties follow [[office.space]] and the Roles section, signed by {{clerk_name}}.'];
		const problems = templateProblems(broken, checklist);
		expect(problems).toEqual(
			expect.arrayContaining([
				'clause duties.daily: required clause refers to [[office.space]], which is not required',
				'clause duties.daily: refers to “the Roles section” by name; use a [[clause.id]] cross-reference',
				'clause duties.daily: required clause uses {{clerk_name}}, which is not a required term'
			])
		);
	});

	it('finds a part named in words whatever its case or number, not a generic “the locked clause”', () => {
		const broken = copy();
		const duties = broken.sections.find((s) => s.id === 'duties')!.clauses[0];
		duties.body = [
			'Duties follow the roles section and the selection and evaluation sections.',
			'The decision-to-arrest clause stays with the SRO; the locked clause governs, as do the following sections.'
		];
		const problems = templateProblems(broken, checklist).filter((p) => p.startsWith('clause duties.daily: refers to'));
		expect(problems).toEqual([
			'clause duties.daily: refers to “the roles section” by name; use a [[clause.id]] cross-reference',
			'clause duties.daily: refers to “the selection and evaluation sections” by name; use a [[clause.id]] cross-reference',
			'clause duties.daily: refers to “The decision-to-arrest clause” by name; use a [[clause.id]] cross-reference'
		]);
	});

	it('fails an unknown cross-reference, a lowercase defined term and a term without help', () => {
		const broken = copy();
		broken.sections.find((s) => s.id === 'office')!.clauses[0].body = ['See [[nowhere.clause]] at the covered schools.'];
		delete broken.terms.find((t) => t.key === 'cost_cap')!.help;
		const problems = templateProblems(broken, checklist);
		expect(problems).toEqual(
			expect.arrayContaining([
				'clause office.space: refers to unknown clause [[nowhere.clause]]',
				'clause office.space: writes “covered schools”; the defined term is “Covered Schools”',
				'term cost_cap: no help text saying what it governs'
			])
		);
	});
});

describe('cross-references are numbered from where clauses stand', () => {
	const doc = templateToDocument(template);

	it('become clauseRef nodes the editor schema accepts', () => {
		expect(() => documentSchema.nodeFromJSON(doc).check()).not.toThrow();
		const targets = clauses.flatMap((c) => c.body.flatMap(blockTexts)).flatMap(referenceTargets);
		expect(targets.length).toBeGreaterThan(10);
		expect(danglingReferences(doc)).toEqual([]);
	});

	it('renumber when a clause before them is removed, and show a removed target instead of a stale number', () => {
		const numbers = numberDocument(doc);
		const triad = numbers.clauses.get('roles.triad')!;
		expect(textOf(resolveReferences(doc))).toContain(`three roles of Section ${triad}`);
		// Remove the whole Order of Precedence section (heading and clause) that sits before Roles.
		const content = doc.content!;
		const at = content.findIndex((n) => n.type === 'heading' && textOf(n) === 'Order of Precedence');
		const shorter: DocNode = { ...doc, content: [...content.slice(0, at), ...content.slice(at + 2)] };
		const [section, number] = triad.split('.').map(Number);
		expect(numberDocument(shorter).clauses.get('roles.triad')).toBe(`${section - 1}.${number}`);
		expect(textOf(resolveReferences(shorter))).toContain(`three roles of Section ${section - 1}.${number}`);
		const withoutOffice: DocNode = { ...doc, content: content.filter((n) => n.attrs?.clauseId !== 'funding.invoicing') };
		expect(danglingReferences(withoutOffice)).toEqual(['funding.invoicing']);
		expect(textOf(resolveReferences(withoutOffice))).toContain('[removed section]');
	});
});
