import type { DraftClause } from './clause-text';
import { derogationIn, normaliseForMatching } from './derogation';
import type { Clause, Template } from './types';

/**
 * Subjects the locked clauses settle, recognised in the parties' own text. Text added or edited
 * outside the locked clauses that touches one is listed for counsel: the order-of-precedence
 * clause makes it void where it conflicts, but a reader should not have to find that out. Text
 * that also uses derogation language ("in lieu of", "does not apply", "notwithstanding", "except
 * that" … see derogation.ts) cannot be made ready: it tries to do what the precedence clause
 * forbids. A locked clause is touched by its subject's words, by a cross-reference to it, by its
 * number ("Section 5.1") or by its title ("the decision-to-arrest clause").
 */

/** Run on normalised text (lower case, hyphens as spaces; see `normaliseForMatching`). */
const SUBJECT_WORDS: Record<string, RegExp> = {
	discipline: /\b(discipline|disciplinary|detention|suspen(d|sion)|expel|expulsion)\b/,
	arrest: /\b(arrest\w*|cite|citations?|custody|tickets?|juvenile authorities)\b/,
	force: /\b(force|restrain\w*|restraint|handcuff\w*|taser|pepper spray|de ?escalat\w*)\b/,
	disabilities: /\b(disabilit\w*|iep|504 plan|special education|behaviou?r (intervention )?plan)\b/,
	civil_rights: /\b(discriminat\w*|title vi|title ix|civil rights)\b/,
	information: /\b(ferpa|education records?|student (records|information|database)|log ?in|disclos\w*)\b/,
	cameras: /\b(cameras?|footage|body worn|recording)\b/,
	confidentiality: /\b(confidential\w*)\b/,
	uniform: /\b(uniform|plain ?clothes|badge)\b/,
	weapons: /\b(firearms?|weapons?|rifle|safe|ammunition)\b/,
	supervision: /\b(chain of command|supervis\w*|direct(s|ed)? the sro)\b/,
	documentation: /\b(reports?|documentation)\b/,
	selection: /\b(select\w*|interview panel|assign\w*)\b/,
	staffing: /\b(covered schools?|number of sros|staffing)\b/,
	roles: /\b(triad|three roles|informal counsel\w*|mentor\w*|educator)\b/,
	collaboration: /\b(collaborat\w*|liaison)\b/,
	training: /\b(training|course|trained)\b/,
	evaluation: /\b(evaluat\w*|probation\w*)\b/,
	hours: /\b(hours|schedule|on campus)\b/,
	duties: /\b(duties|posts?|lunch duty|traffic)\b/,
	funding: /\b(cost|pay(s|ment)?|invoice|salary|reimburs\w*)\b/,
	review: /\b(review of this mou|annual review|review interval)\b/,
	definitions: /\b(means|defined as|shall mean)\b/,
	precedence: /\b(precedence|locked clauses?|locked text)\b/
};

/** "Section 5.1", "clause 5", "§ 5.1": a clause by number, or every clause of a section. */
const BY_NUMBER = /(?:\bsections?|\bclauses?|\bparagraphs?|\barticles?|§)\s*(\d+)(?:\.(\d+))?/g;

export interface SubjectTouch {
	clauseId: string;
	title: string;
	/** 'added' by the parties, or a template clause 'edited' from its text. */
	kind: 'added' | 'edited';
	/** Locked subjects it touches, with the locked clauses that settle each. */
	subjects: { subject: string; lockedClauses: string[] }[];
	/** It also uses derogation language: cannot be ready until reworded or removed. */
	overrides: boolean;
	/** The derogating words found, as the text has them normalised ("in lieu of"). */
	derogation?: string;
}

/** Subject tag → required clauses carrying it. */
function lockedSubjects(clauses: Clause[]): Map<string, string[]> {
	const bySubject = new Map<string, string[]>();
	for (const clause of clauses) {
		if (clause.level !== 'required') continue;
		for (const subject of clause.subjects ?? []) bySubject.set(subject, [...(bySubject.get(subject) ?? []), clause.id]);
	}
	return bySubject;
}

/**
 * @param numbering the draft's clause numbers ("5.1" by clause id), to recognise a locked clause
 *   named by number; without it only words, titles and cross-references count.
 */
export function lockedSubjectTouches(
	template: Template,
	draft: readonly (DraftClause & { title?: string; locked?: boolean })[],
	templateText: ReadonlyMap<string, string>,
	numbering: ReadonlyMap<string, string> = new Map()
): SubjectTouch[] {
	const clauses = template.sections.flatMap((section) => section.clauses);
	const byId = new Map(clauses.map((clause) => [clause.id, clause]));
	const required = clauses.filter((clause) => clause.level === 'required');
	const locked = lockedSubjects(clauses);
	const touches: SubjectTouch[] = [];
	for (const clause of draft) {
		const own = byId.get(clause.clauseId);
		if (own?.level === 'required') continue; // locked: the server refuses edits to it
		const kind = !own ? 'added' : clause.text !== templateText.get(clause.clauseId) ? 'edited' : null;
		if (!kind) continue;
		const raw = kind === 'edited' ? addedLines(clause.text, templateText.get(clause.clauseId) ?? '') : clause.text;
		const text = normaliseForMatching(raw);
		const subjects = new Map<string, Set<string>>();
		const note = (subject: string, clauseId: string) => subjects.set(subject, (subjects.get(subject) ?? new Set()).add(clauseId));
		for (const [subject, lockedClauses] of locked) {
			if (SUBJECT_WORDS[subject]?.test(text)) lockedClauses.forEach((id) => note(subject, id));
		}
		for (const target of namedClauses(raw, text, required, numbering)) {
			for (const subject of target.subjects?.length ? target.subjects : [target.id]) note(subject, target.id);
		}
		if (subjects.size === 0) continue;
		const derogation = derogationIn(text);
		touches.push({
			clauseId: clause.clauseId,
			title: clause.title || own?.title || 'Untitled clause',
			kind,
			subjects: [...subjects].map(([subject, ids]) => ({ subject, lockedClauses: [...ids] })),
			overrides: derogation !== null,
			...(derogation ? { derogation } : {})
		});
	}
	return touches;
}

/** Locked clauses the text names: by cross-reference, by number, or by a title of two words or more. */
function namedClauses(raw: string, text: string, required: Clause[], numbering: ReadonlyMap<string, string>): Clause[] {
	const numbers = [...text.matchAll(BY_NUMBER)].map((m) => (m[2] ? `${m[1]}.${m[2]}` : m[1]));
	return required.filter((clause) => {
		if (raw.includes(`[[${clause.id}]]`)) return true;
		const number = numbering.get(clause.id);
		if (number && numbers.some((n) => n === number || (!n.includes('.') && number.startsWith(`${n}.`)))) return true;
		const title = normaliseForMatching(clause.title);
		return title.includes(' ') && new RegExp(`\\b${escapeRegExp(title)}\\b`).test(text);
	});
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What the parties wrote into an edited clause: for each line the template does not have, the
 * part between the longest prefix and suffix it shares with a template line (one insertion or
 * replacement per line, which is how people edit), so untouched words never count.
 */
function addedLines(text: string, original: string): string {
	const before = original.split('\n');
	const known = new Set(before);
	return text
		.split('\n')
		.filter((line) => !known.has(line))
		.map((line) => insertedPart(line, before))
		.join('\n');
}

function insertedPart(line: string, candidates: string[]): string {
	let best = { prefix: 0, suffix: 0 };
	for (const old of candidates) {
		let prefix = 0;
		while (prefix < line.length && prefix < old.length && line[prefix] === old[prefix]) prefix++;
		let suffix = 0;
		while (suffix < line.length - prefix && suffix < old.length - prefix && line[line.length - 1 - suffix] === old[old.length - 1 - suffix]) suffix++;
		if (prefix + suffix > best.prefix + best.suffix) best = { prefix, suffix };
	}
	return line.slice(best.prefix, line.length - best.suffix);
}

/** "use of force" for the subject tag "force". */
export function subjectLabel(subject: string): string {
	const LABELS: Record<string, string> = {
		arrest: 'arrest decisions',
		force: 'use of force and restraint',
		disabilities: 'students with disabilities',
		civil_rights: 'civil rights',
		information: 'information sharing',
		cameras: 'cameras',
		weapons: 'weapons storage',
		supervision: 'supervision',
		documentation: 'documentation',
		funding: 'funding',
		review: 'the annual review'
	};
	return LABELS[subject] ?? subject.replaceAll('_', ' ');
}
