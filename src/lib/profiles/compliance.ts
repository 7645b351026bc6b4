import { clauseToNode } from '../templates/document';
import { clauseText, draftClauses, termKeysIn, type DraftClause } from '../templates/clause-text';
import { validateTerms } from '../templates/terms';
import { itemsAwaitingValues } from '../templates/values';
import { lockedSubjectTouches, subjectLabel, type SubjectTouch } from '../templates/subjects';
import { danglingReferences, numberDocument } from '../templates/numbering';
import { assessProfile, type ProfileReport } from './assess';
import type { StateProfile } from './types';
import type { ChecklistItem, ChecklistLevel, Clause, DocNode, Template, TemplateTerm, TermValues } from '../templates/types';

/**
 * The compliance panel: for every NASRO checklist item, is the draft still carrying the
 * template's language for it? Runs in the browser on every change and on the server before a
 * draft may go out for signature, so it is pure and caches the template side.
 */

/** incomplete: the template's text is there, but a term value it depends on is empty or refused. */
export type ItemStatus = 'covered' | 'incomplete' | 'modified' | 'missing';

export interface ItemAssessment {
	id: string;
	level: ChecklistLevel;
	section: ChecklistItem['section'];
	summary: string;
	status: ItemStatus;
	/** Template clauses that address the item, then any other draft clauses claiming it. */
	clauseIds: string[];
	/** Incomplete: the terms whose values the item waits on. */
	awaiting?: string[];
}

export type { SubjectTouch };

export interface ComplianceReport {
	items: ItemAssessment[];
	/** e.g. "All 21 mandatory items covered; 3 of 13 recommended removed". */
	summary: string;
	/** Mandatory items the draft does not carry in the template's words (absent or altered). */
	mandatoryMissing: string[];
	/** Required terms still empty (skipping those whose every placeholder the draft dropped). */
	emptyRequiredTerms: string[];
	/** Problems with values that have been filled in, keyed by term. */
	termErrors: Record<string, string>;
	/** The state-law profile's items and conflicts; null without a profile or with `none`. */
	state: ProfileReport | null;
	/** Added or edited unlocked text that touches a subject a locked clause settles, for counsel. */
	touches: SubjectTouch[];
	/** Cross-references to clauses the draft no longer has. */
	danglingReferences: string[];
	/** Locked clauses absent from the draft or not in their template wording (NASRO-graded or not). */
	lockedMissing: string[];
	/** Everything standing between the draft and "Ready for signature", in words counsel can act on. */
	blockers: string[];
	/** Nothing is missing: only the parties' approvals remain. */
	readyForSignature: boolean;
}

export interface ComplianceInput {
	checklist: readonly ChecklistItem[];
	template: Template;
	/** ProseMirror JSON of the current `body`. */
	document: DocNode;
	terms: readonly TemplateTerm[];
	termValues: TermValues;
	/** The MOU's state-law profile; `template` is then the template with it applied. */
	profile?: StateProfile | null;
	/** Open suggestions and term proposals, when the caller knows them (they block readiness). */
	openSuggestions?: number;
}

export { clauseText };

export function assessCompliance(input: ComplianceInput): ComplianceReport {
	const { checklist, template, document, terms, termValues, profile } = input;
	const index = templateIndex(template);
	const draft = draftClauses(document);
	const allErrors = validateTerms(terms, termValues);
	const awaiting = itemsAwaitingValues(terms, termValues, allErrors);
	const items = checklist.map((item) => assessItem(item, index, draft, awaiting.get(item.id)));
	const mandatoryMissing = items.filter((i) => i.level === 'M' && i.status !== 'covered').map((i) => i.id);
	const emptyRequiredTerms = findEmptyRequiredTerms(index, document, terms, termValues);
	const termErrors = Object.fromEntries(Object.entries(allErrors).filter(([key]) => termValues[key]?.trim()));
	const state = profile && profile.code !== 'none' ? assessProfile(profile, template, document, termValues) : null;
	const numbering = numberDocument(document);
	const touches = lockedSubjectTouches(template, draft, index.text, numbering.clauses);
	const dangling = danglingReferences(document, numbering);
	const lockedMissing = template.sections
		.flatMap((section) => section.clauses)
		.filter((clause) => clause.level === 'required')
		.filter((clause) => !draft.some((d) => d.clauseId === clause.id && d.text === index.text.get(clause.id)))
		.map((clause) => clause.id);
	const report = { items, mandatoryMissing, emptyRequiredTerms, termErrors, state, touches, danglingReferences: dangling, lockedMissing };
	const blockers = blockersOf(report, terms, input.openSuggestions ?? 0);
	return {
		...report,
		summary: summarise(items, emptyRequiredTerms.length),
		blockers,
		readyForSignature: blockers.length === 0
	};
}

type Judged = Pick<
	ComplianceReport,
	'items' | 'mandatoryMissing' | 'emptyRequiredTerms' | 'termErrors' | 'state' | 'touches' | 'danglingReferences' | 'lockedMissing'
>;

function blockersOf(report: Judged, terms: readonly TemplateTerm[], openSuggestions: number): string[] {
	const label = (key: string) => terms.find((term) => term.key === key)?.label ?? key;
	const blockers: string[] = [];
	if (openSuggestions > 0) {
		blockers.push(`${openSuggestions} open ${openSuggestions === 1 ? 'suggestion' : 'suggestions'} must be accepted, rejected or withdrawn.`);
	}
	for (const id of report.mandatoryMissing) {
		const item = report.items.find((i) => i.id === id)!;
		if (item.status === 'incomplete') {
			blockers.push(`Mandatory item NASRO ${id} needs a valid value for ${item.awaiting!.map((key) => `“${label(key)}”`).join(', ')}.`);
		} else {
			const how = item.status === 'missing' ? 'is missing' : 'has been changed from the standard language';
			blockers.push(`Mandatory item NASRO ${id} ${how} — ${item.summary}`);
		}
	}
	// Locked clauses NASRO grades no item for (definitions, precedence, force …) count too.
	const graded = new Set(report.mandatoryMissing.flatMap((id) => report.items.find((i) => i.id === id)?.clauseIds ?? []));
	const ungraded = report.lockedMissing.filter((id) => !graded.has(id));
	if (ungraded.length) blockers.push(`Locked ${ungraded.length === 1 ? 'clause' : 'clauses'} missing or changed: ${ungraded.join(', ')}.`);
	const empty = report.emptyRequiredTerms.map(label);
	if (empty.length) blockers.push(`${empty.length} required ${empty.length === 1 ? 'term' : 'terms'} still empty: ${empty.join(', ')}.`);
	for (const [key, message] of Object.entries(report.termErrors)) blockers.push(message.startsWith(label(key)) ? message : `${label(key)}: ${message}`);
	for (const touch of report.touches.filter((t) => t.overrides)) {
		const subjects = touch.subjects.map((s) => subjectLabel(s.subject)).join(', ');
		blockers.push(
			`The ${touch.kind} clause “${touch.title}” says it overrides a locked clause on ${subjects} (“${touch.derogation}”); under the order of precedence it has no effect. Reword or remove it.`
		);
	}
	if (report.danglingReferences.length) {
		blockers.push(`Cross-references point at removed clauses (${report.danglingReferences.join(', ')}); restore them or change the text.`);
	}
	blockers.push(...(report.state?.problems ?? []));
	return blockers;
}

interface TemplateIndex {
	/** NASRO ID → template clauses carrying it. */
	byItem: Map<string, Clause[]>;
	/** Clause ID → normalised template text. */
	text: Map<string, string>;
	/** Term keys the template's clauses use. */
	termKeys: Set<string>;
}

const indexes = new WeakMap<Template, TemplateIndex>();

function templateIndex(template: Template): TemplateIndex {
	let index = indexes.get(template);
	if (index) return index;
	index = { byItem: new Map(), text: new Map(), termKeys: new Set() };
	for (const clause of template.sections.flatMap((s) => s.clauses)) {
		const node = clauseToNode(clause);
		index.text.set(clause.id, clauseText(node));
		termKeysIn(node, index.termKeys);
		for (const id of clause.nasro) index.byItem.set(id, [...(index.byItem.get(id) ?? []), clause]);
	}
	indexes.set(template, index);
	return index;
}

/**
 * Covered: every template clause for the item is in the draft with its template text.
 * Missing: none of them is, and no other clause claims the item. Anything else is modified.
 */
function assessItem(item: ChecklistItem, index: TemplateIndex, draft: DraftClause[], awaiting?: string[]): ItemAssessment {
	const templateClauses = index.byItem.get(item.id) ?? [];
	const templateIds = new Set(templateClauses.map((c) => c.id));
	const states = templateClauses.map((clause) => {
		const copies = draft.filter((d) => d.clauseId === clause.id);
		if (copies.length === 0) return 'absent';
		return copies.some((d) => d.text === index.text.get(clause.id)) ? 'intact' : 'changed';
	});
	const others = draft.filter((d) => !templateIds.has(d.clauseId) && d.nasro.includes(item.id));
	let status: ItemStatus;
	if (states.length > 0 && states.every((s) => s === 'intact') && others.length === 0) status = awaiting?.length ? 'incomplete' : 'covered';
	else if (states.every((s) => s === 'absent') && others.length === 0) status = 'missing';
	else status = 'modified';
	const clauseIds = [...templateIds, ...new Set(others.map((d) => d.clauseId))];
	const assessment: ItemAssessment = { id: item.id, level: item.level, section: item.section, summary: item.summary, status, clauseIds };
	return status === 'incomplete' ? { ...assessment, awaiting } : assessment;
}

function findEmptyRequiredTerms(index: TemplateIndex, document: DocNode, terms: readonly TemplateTerm[], values: TermValues): string[] {
	const inDraft = termKeysIn(document);
	return (
		terms
			.filter((term) => term.required && !values[term.key]?.trim())
			// A term used only by clauses the draft removed no longer needs a value.
			.filter((term) => inDraft.has(term.key) || !index.termKeys.has(term.key))
			.map((term) => term.key)
	);
}

function summarise(items: ItemAssessment[], emptyTerms: number): string {
	const mandatory = items.filter((i) => i.level === 'M');
	const recommended = items.filter((i) => i.level === 'R');
	const notCovered = mandatory.filter((i) => i.status !== 'covered').length;
	const removed = recommended.filter((i) => i.status === 'missing').length;
	const modified = recommended.filter((i) => i.status === 'modified' || i.status === 'incomplete').length;
	const parts = [notCovered === 0 ? `All ${mandatory.length} mandatory items covered` : `${notCovered} of ${mandatory.length} mandatory items not covered`];
	if (removed === 0 && modified === 0) parts.push(`all ${recommended.length} recommended covered`);
	else {
		const changes = [
			...(removed ? [`${removed} of ${recommended.length} recommended removed`] : []),
			...(modified ? [`${modified}${removed ? '' : ` of ${recommended.length} recommended`} modified`] : [])
		];
		parts.push(changes.join(', '));
	}
	if (emptyTerms) parts.push(`${emptyTerms} required ${emptyTerms === 1 ? 'term' : 'terms'} empty`);
	return parts.join('; ');
}
