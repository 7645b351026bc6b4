import * as Y from 'yjs';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { BODY_FIELD, TERMS_FIELD } from '../../document';
import { documentSchema } from '../../editor/schema';
import { clauseToNode } from '../../templates/document';
import { validateTerm } from '../../templates/terms';
import type { Clause, Template } from '../../templates/types';

/** What re-applying a template did to a live document, clause and term ids. */
export interface ReapplyReport {
	/** Clauses whose text now comes from the new template (a replaced locked core). */
	replaced: string[];
	/** Clauses the new template adds (a profile's own clauses). */
	added: string[];
	/** Clauses only the old template had. */
	removed: string[];
	/** Unlocked clauses the parties had edited, kept as they wrote them. */
	kept: string[];
	/** Terms set to the new template's default (they held the old default, or nothing). */
	defaulted: string[];
	/** Values the new template's validation refuses: emptied, for counsel to fill in again. */
	cleared: string[];
}

/**
 * Moves a live document from template `from` to template `to` (the same template under another
 * state profile, or a newer version): the clauses whose template text differs are replaced,
 * added or removed, except unlocked clauses the parties edited, which stay as written. Term values
 * carry over by key; an untouched default (or one the old profile imposed, `forced`) becomes the new
 * default; a value the new validation refuses is emptied. Runs inside one Yjs transaction.
 */
export function reapplyTemplate(doc: Y.Doc, from: Template, to: Template, forced: ReadonlySet<string> = new Set()): ReapplyReport {
	const report: ReapplyReport = { replaced: [], added: [], removed: [], kept: [], defaulted: [], cleared: [] };
	doc.transact(() => {
		reapplyClauses(doc.getXmlFragment(BODY_FIELD), clausesOf(from), clausesOf(to), report);
		reapplyTerms(doc.getMap<string>(TERMS_FIELD), from, to, forced, report);
	});
	return report;
}

function clausesOf(template: Template): Map<string, Clause> {
	return new Map(template.sections.flatMap((section) => section.clauses).map((clause) => [clause.id, clause]));
}

function reapplyClauses(body: Y.XmlFragment, from: Map<string, Clause>, to: Map<string, Clause>, report: ReapplyReport): void {
	const order = [...to.keys()];
	const differs = (id: string) => rendered(from.get(id)) !== rendered(to.get(id));
	// In the new order, so that a clause added after another added clause finds it in place.
	const affected = [...order, ...[...from.keys()].filter((id) => !to.has(id))].filter(differs);
	for (const id of affected) {
		const index = indexOf(body, id);
		const next = to.get(id);
		if (index >= 0) {
			const current = body.get(index) as Y.XmlElement;
			const untouched = current.toString() === rendered(from.get(id));
			if (!isLocked(current) && !untouched) {
				report.kept.push(id);
				continue;
			}
			body.delete(index, 1);
			if (next) body.insert(index, [element(next)]);
			(next ? report.replaced : report.removed).push(id);
		} else if (next && (next.level === 'required' || !from.has(id))) {
			// A clause the old template had too and the draft lacks was removed by the parties.
			body.insert(insertionPoint(body, order, id), [element(next)]);
			report.added.push(id);
		}
	}
}

function reapplyTerms(terms: Y.Map<string>, from: Template, to: Template, forced: ReadonlySet<string>, report: ReapplyReport): void {
	const before = new Map(from.terms.map((term) => [term.key, term]));
	const after = new Set(to.terms.map((term) => term.key));
	for (const term of to.terms) {
		const current = terms.get(term.key);
		const old = before.get(term.key);
		const next = term.default ?? '';
		const untouched = !current || forced.has(term.key) || (old !== undefined && current === (old.default ?? ''));
		if (untouched) {
			if (current !== next) {
				terms.set(term.key, next);
				report.defaulted.push(term.key);
			}
		} else if (validateTerm(term, current) !== null) {
			terms.set(term.key, '');
			report.cleared.push(term.key);
		}
	}
	for (const key of before.keys()) if (!after.has(key) && terms.has(key)) terms.delete(key);
}

function indexOf(body: Y.XmlFragment, clauseId: string): number {
	return body.toArray().findIndex((node) => node instanceof Y.XmlElement && node.nodeName === 'clause' && node.getAttribute('clauseId') === clauseId);
}

/** After the nearest clause before it (in the new template's order) that the draft has; else after the title. */
function insertionPoint(body: Y.XmlFragment, order: string[], clauseId: string): number {
	for (let i = order.indexOf(clauseId) - 1; i >= 0; i--) {
		const index = indexOf(body, order[i]);
		if (index >= 0) return index + 1;
	}
	return Math.min(1, body.length);
}

function isLocked(clause: Y.XmlElement): boolean {
	const locked: unknown = clause.getAttribute('locked');
	return locked === true || locked === 'true';
}

/** The clause as the template seeds it, in a scratch document (for comparison and copying). */
function seeded(clause: Clause): Y.XmlElement {
	const fragment = new Y.Doc({ gc: false }).getXmlFragment(BODY_FIELD);
	prosemirrorJSONToYXmlFragment(documentSchema, { type: 'doc', content: [clauseToNode(clause)] }, fragment);
	return fragment.get(0) as Y.XmlElement;
}

function rendered(clause: Clause | undefined): string | null {
	return clause ? seeded(clause).toString() : null;
}

function element(clause: Clause): Y.XmlElement {
	return seeded(clause).clone();
}
