import type { DraftClause } from './clause-text';
import type { Clause, Template } from './types';

/**
 * Subjects the locked clauses settle, recognised in the parties' own text. Text added or edited
 * outside the locked clauses that touches one is listed for counsel: the order-of-precedence
 * clause makes it void where it conflicts, but a reader should not have to find that out. Text
 * that also says it overrides ("notwithstanding", "supersedes", "instead of" …) cannot be made
 * ready: it tries to do what the precedence clause forbids.
 */

const SUBJECT_WORDS: Record<string, RegExp> = {
	discipline: /\b(discipline|disciplinary|detention|suspen(d|sion)|expel|expulsion)\b/i,
	arrest: /\b(arrest\w*|cite|citations?|custody|tickets?|juvenile authorities)\b/i,
	force: /\b(force|restrain\w*|restraint|handcuff\w*|taser|pepper spray|de-escalat\w*)\b/i,
	disabilities: /\b(disabilit\w*|IEP|504 plan|special education|behaviou?r (intervention )?plan)\b/i,
	civil_rights: /\b(discriminat\w*|Title VI|Title IX|civil rights)\b/i,
	information: /\b(FERPA|education records?|student (records|information|database)|log-?in|disclos\w*)\b/i,
	cameras: /\b(cameras?|footage|body-worn|recording)\b/i,
	confidentiality: /\b(confidential\w*)\b/i,
	uniform: /\b(uniform|plain ?clothes|badge)\b/i,
	weapons: /\b(firearms?|weapons?|rifle|safe|ammunition)\b/i,
	supervision: /\b(chain of command|supervis\w*|direct(s|ed)? the SRO)\b/i,
	documentation: /\b(reports?|documentation)\b/i,
	selection: /\b(select\w*|interview panel|assign\w*)\b/i,
	training: /\b(training|course|trained)\b/i,
	evaluation: /\b(evaluat\w*|probation\w*)\b/i,
	hours: /\b(hours|schedule|on campus)\b/i,
	duties: /\b(duties|posts?|lunch duty|traffic)\b/i,
	funding: /\b(cost|pay(s|ment)?|invoice|salary|reimburs\w*)\b/i,
	review: /\b(review of this MOU|annual review|review interval)\b/i,
	definitions: /\b(means|defined as|shall mean)\b/i,
	precedence: /\b(precedence|locked clauses?)\b/i
};

const OVERRIDE =
	/\b(notwithstanding|supersed\w*|in place of|instead of|prevails?|overrid\w*|takes? precedence|despite|regardless of|controls? over|waive\w*)\b/i;

export interface SubjectTouch {
	clauseId: string;
	title: string;
	/** 'added' by the parties, or a template clause 'edited' from its text. */
	kind: 'added' | 'edited';
	/** Locked subjects it touches, with the locked clauses that settle each. */
	subjects: { subject: string; lockedClauses: string[] }[];
	/** It also says it overrides: cannot be ready until reworded or removed. */
	overrides: boolean;
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

export function lockedSubjectTouches(
	template: Template,
	draft: readonly (DraftClause & { title?: string; locked?: boolean })[],
	templateText: ReadonlyMap<string, string>
): SubjectTouch[] {
	const clauses = template.sections.flatMap((section) => section.clauses);
	const byId = new Map(clauses.map((clause) => [clause.id, clause]));
	const locked = lockedSubjects(clauses);
	const touches: SubjectTouch[] = [];
	for (const clause of draft) {
		const own = byId.get(clause.clauseId);
		if (own?.level === 'required') continue; // locked: the server refuses edits to it
		const kind = !own ? 'added' : clause.text !== templateText.get(clause.clauseId) ? 'edited' : null;
		if (!kind) continue;
		const text = kind === 'edited' ? addedLines(clause.text, templateText.get(clause.clauseId) ?? '') : clause.text;
		const subjects = [...locked].filter(([subject]) => SUBJECT_WORDS[subject]?.test(text)).map(([subject, lockedClauses]) => ({ subject, lockedClauses }));
		if (subjects.length === 0) continue;
		touches.push({ clauseId: clause.clauseId, title: clause.title || own?.title || 'Untitled clause', kind, subjects, overrides: OVERRIDE.test(text) });
	}
	return touches;
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
