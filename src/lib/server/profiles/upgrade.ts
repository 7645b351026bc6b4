import * as Y from 'yjs';
import { BODY_FIELD, withStoredDoc, termValuesOf } from '../../document';
import { validateTerm } from '../../templates/terms';
import type { Template } from '../../templates/types';
import { initialDocumentUpdate } from '../templates';

/** What moving a signed text onto a newer template kept and what it could not. */
export interface UpgradeReport {
	/** Values the newer template's validation refuses: left empty for counsel to fill in. */
	cleared: { key: string; label: string; value: string }[];
	/** Titles of the clauses the parties had added themselves, carried over. */
	carriedClauses: string[];
}

/**
 * The starting state of a review draft on a newer template than the signed MOU's: the new template
 * (its state profile applied) seeded with the signed values of every term it still has, by key —
 * except values its validation refuses, left empty and listed — and with the clauses the parties
 * had added (no template id), each after the template clause it followed. `names` fill terms the
 * signed text did not have (the parties' names from their organizations).
 */
export function upgradedStart(signedState: Uint8Array, to: Template, names: Record<string, string> = {}): { state: Uint8Array; report: UpgradeReport } {
	return withStoredDoc(signedState, (signed) => {
		const report: UpgradeReport = { cleared: [], carriedClauses: [] };
		const values = carriedValues(termValuesOf(signed), to, names, report);
		const doc = new Y.Doc({ gc: false });
		Y.applyUpdate(doc, initialDocumentUpdate(to, values));
		doc.transact(() => carryAddedClauses(signed.getXmlFragment(BODY_FIELD), doc.getXmlFragment(BODY_FIELD), report));
		const state = Y.encodeStateAsUpdate(doc);
		doc.destroy();
		return { state, report };
	});
}

function carriedValues(signed: Record<string, string>, to: Template, names: Record<string, string>, report: UpgradeReport): Record<string, string> {
	const values: Record<string, string> = {};
	for (const term of to.terms) {
		const value = signed[term.key]?.trim() ? signed[term.key] : undefined;
		if (value === undefined) {
			if (names[term.key]) values[term.key] = names[term.key];
		} else if (validateTerm(term, value) === null) {
			values[term.key] = value;
		} else {
			values[term.key] = '';
			report.cleared.push({ key: term.key, label: term.label, value });
		}
	}
	return values;
}

function carryAddedClauses(from: Y.XmlFragment, to: Y.XmlFragment, report: UpgradeReport): void {
	let anchor: string | null = null; // the last template clause seen that the new text has too
	let placedAfterAnchor = 0;
	for (const node of from.toArray()) {
		if (!(node instanceof Y.XmlElement) || node.nodeName !== 'clause') continue;
		const clauseId = node.getAttribute('clauseId');
		if (typeof clauseId === 'string' && clauseId) {
			if (indexOf(to, clauseId) >= 0) {
				anchor = clauseId;
				placedAfterAnchor = 0;
			}
			continue;
		}
		const at = anchor === null ? Math.min(1, to.length) : indexOf(to, anchor) + 1;
		to.insert(at + placedAfterAnchor, [node.clone()]);
		placedAfterAnchor++;
		report.carriedClauses.push(String(node.getAttribute('title') ?? 'Untitled clause'));
	}
}

function indexOf(body: Y.XmlFragment, clauseId: string): number {
	return body.toArray().findIndex((node) => node instanceof Y.XmlElement && node.nodeName === 'clause' && node.getAttribute('clauseId') === clauseId);
}
