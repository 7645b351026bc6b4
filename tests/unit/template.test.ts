import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { documentSchema } from '../../src/lib/editor/schema';
import { initialDocumentUpdate, loadChecklist, loadTemplate, templateToDocument } from '../../src/lib/server/templates/index';
import { blockTexts, templateProblems } from '../../src/lib/templates/lint';
import { placeholderKeys } from '../../src/lib/templates/inline';
import type { DocNode, Template } from '../../src/lib/templates/types';

// This file pins 2026.1, the version MOUs created before 2027.1 keep; 2027.1 has its own spec.
const template = loadTemplate('sro-mou', '2026.1');
const checklist = loadChecklist('sro-mou', '2026.1');
const clauses = template.sections.flatMap((s) => s.clauses);
const levelOf = new Map(checklist.map((item) => [item.id, item.level]));

function clauseNodes(doc: DocNode): DocNode[] {
	return (doc.content ?? []).filter((node) => node.type === 'clause');
}

function copyTemplate(): Template {
	return structuredClone(template) as Template;
}

describe('checklist', () => {
	it('lists every NASRO item once: 21 mandatory, 13 recommended, 2 without a level', () => {
		const ids = checklist.map((item) => item.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(checklist.filter((i) => i.level === 'M')).toHaveLength(21);
		expect(checklist.filter((i) => i.level === 'R')).toHaveLength(13);
		expect(checklist.filter((i) => i.level === null).map((i) => i.id)).toEqual(['01.01.04', '04.01.03']);
		for (const item of checklist) expect(item.summary.length).toBeGreaterThan(10);
	});
});

describe('template content', () => {
	it('is sro-mou 2026.1 and unknown versions are refused', () => {
		expect(template.id).toBe('sro-mou');
		expect(template.version).toBe('2026.1');
		expect(() => loadTemplate('sro-mou', '1999.1')).toThrow(/Unknown template sro-mou@1999.1/);
	});

	it('passes the lint it was published under', () => {
		expect(templateProblems(template, checklist)).toEqual([]);
	});

	it('fails the locked-core lint where its locked clauses rest on removable text (why 2027.1 exists)', () => {
		const problems = templateProblems({ ...template, lockedCore: true }, checklist);
		expect(problems).toEqual(
			expect.arrayContaining([
				'clause discipline.school_discipline: required clause uses the defined term “Formal School Discipline”, defined in definitions.general, which is not required',
				'clause definitions.sro: required clause uses the defined term “Covered Schools”, defined in definitions.general, which is not required',
				'clause duties.daily: refers to “the Roles section” by name; use a [[clause.id]] cross-reference'
			])
		);
	});

	it('covers every mandatory item with a required clause', () => {
		const requiredCoverage = new Set(clauses.filter((c) => c.level === 'required').flatMap((c) => c.nasro));
		const uncovered = checklist.filter((i) => i.level === 'M' && !requiredCoverage.has(i.id)).map((i) => i.id);
		expect(uncovered).toEqual([]);
	});

	it('covers every recommended item with a recommended clause, and never grades clauses loosely', () => {
		const recommendedCoverage = new Set(clauses.filter((c) => c.level === 'recommended').flatMap((c) => c.nasro));
		expect(checklist.filter((i) => i.level === 'R' && !recommendedCoverage.has(i.id))).toEqual([]);
		for (const clause of clauses) {
			const levels = clause.nasro.map((id) => levelOf.get(id));
			if (levels.includes('M')) expect(clause.level, clause.id).toBe('required');
			if (clause.level === 'recommended') expect(levels.includes('M'), clause.id).toBe(false);
		}
	});

	it('cites only NASRO IDs that exist in the checklist', () => {
		const unknown = clauses.flatMap((c) => c.nasro.filter((id) => !levelOf.has(id)).map((id) => `${c.id}: ${id}`));
		expect(unknown).toEqual([]);
	});

	it('uses only placeholders for defined terms, and every term is used or serves the app', () => {
		const keys = new Set(template.terms.map((t) => t.key));
		const used = clauses.flatMap((c) => c.body.flatMap(blockTexts)).flatMap(placeholderKeys);
		expect(used.filter((key) => !keys.has(key))).toEqual([]);
		const unused = template.terms.map((t) => t.key).filter((key) => !used.includes(key));
		expect(unused).toEqual(['district_time_zone']);
	});

	it('keeps the section order of real SRO MOUs, ending with signatures', () => {
		expect(template.sections.map((s) => s.id)).toEqual([
			'parties',
			'purpose',
			'term',
			'definitions',
			'roles',
			'discipline',
			'arrests',
			'searches',
			'information',
			'uniform',
			'weapons',
			'less_lethal',
			'supervision',
			'documentation',
			'selection',
			'training',
			'evaluation',
			'hours',
			'duties',
			'extracurricular',
			'office',
			'funding',
			'data',
			'complaints',
			'insurance',
			'disputes',
			'review',
			'termination',
			'general',
			'signatures'
		]);
	});

	it('signature blocks name both signatories through terms', () => {
		const signing = clauses.find((c) => c.id === 'signatures.parties')!;
		const keys = signing.body.flatMap(blockTexts).flatMap(placeholderKeys);
		expect(keys).toEqual(expect.arrayContaining(['agency_head_name', 'agency_head_title', 'superintendent_name']));
		const extras = ['signatures.board', 'signatures.attestation'].map((id) => clauses.find((c) => c.id === id)!);
		expect(extras.map((c) => c.level)).toEqual(['standard', 'standard']);
		expect(extras.flatMap((c) => c.body.flatMap(blockTexts)).flatMap(placeholderKeys)).toEqual(
			expect.arrayContaining(['board_president_name', 'clerk_name', 'clerk_title'])
		);
	});
});

describe('templateProblems', () => {
	it('reports an unknown placeholder, a downgraded mandatory clause and an unknown NASRO id', () => {
		const broken = copyTemplate();
		const arrests = broken.sections.find((s) => s.id === 'arrests')!.clauses[0];
		arrests.body[0] = 'Only the SRO decides under the law of {{state}}.';
		arrests.level = 'recommended';
		broken.sections[0].clauses[0].nasro = ['09.09.09'];
		const problems = templateProblems(broken, checklist);
		expect(problems).toContain('clause arrests.discretion: unknown term {{state}}');
		expect(problems).toContain('clause arrests.discretion: covers a mandatory item, so it must be required');
		expect(problems).toContain('clause parties.identification: unknown NASRO id 09.09.09');
		expect(problems).toContain('NASRO 01.01.04-c: mandatory item has no required clause');
	});

	it('reports unclosed marks, marked terms, unfinished text and invalid defaults', () => {
		const broken = copyTemplate();
		const clause = broken.sections[0].clauses[0];
		clause.body = ['**Parties.** **{{agency_name}}** and *the District', 'Cost: TBD'];
		broken.terms.find((t) => t.key === 'district_cost_share')!.default = '60';
		const problems = templateProblems(broken, checklist);
		expect(problems).toEqual(
			expect.arrayContaining([
				'clause parties.identification: unclosed *italic* run',
				'clause parties.identification: {{agency_name}} inside bold or italic (terms cannot carry marks)',
				expect.stringMatching(/^clause parties.identification: unfinished text/),
				expect.stringMatching(/^term district_cost_share: default is invalid — .*add up to 100% \(now 110%\)/)
			])
		);
	});
});

describe('templateToDocument', () => {
	const json = templateToDocument(template);

	it('validates against the editor schema', () => {
		expect(() => documentSchema.nodeFromJSON(json).check()).not.toThrow();
	});

	it('puts each section heading (level 2) outside the clauses, after the title', () => {
		const headings = (json.content ?? []).filter((n) => n.type === 'heading');
		expect(headings[0]).toMatchObject({ attrs: { level: 1 }, content: [{ text: template.title }] });
		expect(headings.slice(1).map((h) => h.content?.[0].text)).toEqual(template.sections.map((s) => s.heading));
		expect(headings.slice(1).every((h) => h.attrs?.level === 2)).toBe(true);
	});

	it('locks exactly the required clauses and carries their NASRO IDs', () => {
		const nodes = clauseNodes(json);
		expect(nodes).toHaveLength(clauses.length);
		for (const [i, node] of nodes.entries()) {
			expect(node.attrs).toEqual({
				clauseId: clauses[i].id,
				title: clauses[i].title,
				level: clauses[i].level,
				nasro: clauses[i].nasro.join(' '),
				locked: clauses[i].level === 'required'
			});
		}
		const selection = nodes.find((n) => n.attrs?.clauseId === 'selection.process')!;
		expect(selection.attrs?.nasro).toBe('02.01.01 04.01.03');
	});

	it('turns placeholders into term nodes and **bold** into marks', () => {
		const triad = clauseNodes(json).find((n) => n.attrs?.clauseId === 'roles.triad')!;
		const firstItem = triad.content![1].content![0].content![0];
		expect(firstItem.content![0]).toEqual({ type: 'text', text: 'Law enforcement officer.', marks: [{ type: 'bold' }] });
		expect(firstItem.content).toContainEqual({ type: 'term', attrs: { key: 'state_name' } });
		const text = JSON.stringify(json);
		expect(text).not.toContain('{{');
		expect(text).not.toContain('**');
	});

	it('starts the signatures on a new page', () => {
		const content = json.content ?? [];
		const at = content.findIndex((n) => n.type === 'heading' && n.content?.[0].text === 'Signatures');
		expect(content[at - 1]).toEqual({ type: 'pageBreak' });
	});
});

describe('initialDocumentUpdate', () => {
	const ydoc = new Y.Doc();
	Y.applyUpdate(ydoc, initialDocumentUpdate(template));

	it('holds only the body and terms roots', () => {
		expect([...ydoc.share.keys()].sort()).toEqual(['body', 'terms']);
	});

	it('seeds every term with its default, or an empty string', () => {
		const terms = ydoc.getMap<string>('terms').toJSON();
		expect(Object.keys(terms).sort()).toEqual(template.terms.map((t) => t.key).sort());
		expect(terms.agency_head_title).toBe('Chief of Police');
		expect(terms.review_interval_months).toBe('12');
		expect(terms.district_time_zone).toBe('America/Chicago');
		expect(terms.agency_cost_share).toBe('50');
		expect(terms.agency_name).toBe('');
	});

	it('holds the same document as templateToDocument, with locked stored as boolean true', () => {
		const body = ydoc.getXmlFragment('body');
		const fromYjs = documentSchema.nodeFromJSON({ type: 'doc', ...yXmlFragmentToProsemirrorJSON(body) });
		expect(fromYjs.eq(documentSchema.nodeFromJSON(templateToDocument(template)))).toBe(true);
		const locked = body
			.toArray()
			.filter((el) => el instanceof Y.XmlElement && el.nodeName === 'clause')
			.map((el) => ((el as Y.XmlElement).getAttributes() as Record<string, unknown>).locked);
		expect(locked.filter((v) => v === true)).toHaveLength(clauses.filter((c) => c.level === 'required').length);
	});
});
