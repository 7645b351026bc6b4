import * as Y from 'yjs';
import { markedRuns, suggestionFingerprints, TERMS_FIELD, TERM_PROPOSALS_FIELD, type MarkedRun } from '$lib/document';
import { partyLabel, type Decision, type Party } from '../../redlines/types';
import { openSuggestions, type OpenSuggestion } from './scan';

export interface Decider {
	userId: string;
	side: Party;
}

/** A decision the decider may not make; nothing is changed when one is found. */
export class DecisionRefused extends Error {}

/**
 * Applies decisions to the document in one transaction, after checking every one of them:
 * accept and reject only the other party's suggestions, withdraw only your own. Returns the
 * suggestions decided (for the record). Text changes only where the marks are, so whatever
 * else happened in the document meanwhile is kept. `seen` is each suggestion's fingerprint as the
 * decider saw it (suggestionFingerprints): one that changed since (its author kept typing) or is
 * missing refuses the whole decision, so nobody agrees to text they never saw.
 */
export function applyDecisions(doc: Y.Doc, ids: readonly string[], decision: Decision, decider: Decider, seen: ReadonlyMap<string, string>): OpenSuggestion[] {
	const open = openSuggestions(doc);
	const runs = markedRuns(doc);
	const now = suggestionFingerprints(doc);
	const chosen = ids.map((id) => {
		const matches = open.filter((s) => s.id === id);
		if (matches.length === 0) throw new DecisionRefused('That suggestion is no longer open; the draft may have changed. Reload and try again.');
		for (const suggestion of matches) checkAllowed(suggestion, decision, decider);
		// Every mark of the suggestion, not only the first one found: a decision applies to all of them.
		for (const run of runs) if (run.attrs.id === id) checkAllowed(run.attrs, decision, decider);
		if (!seen.has(id)) throw new DecisionRefused('This page did not say which version of the suggestion you decided on. Reload the page and decide again.');
		if (seen.get(id) !== now.get(id)) {
			const which = ids.length === 1 ? 'this suggestion' : 'one of these suggestions';
			throw new DecisionRefused(`The ${partyLabel(matches[0].party).toLowerCase()} changed ${which} while you were deciding; look at it again.`);
		}
		return matches;
	});
	const decided = chosen.flat();
	doc.transact(() => {
		for (const suggestion of decided) {
			if (suggestion.kind === 'term') decideTerm(doc, suggestion, decision);
		}
		decideText(doc, new Set(decided.filter((s) => s.kind !== 'term').map((s) => `${s.kind}:${s.id}`)), decision);
	});
	return decided;
}

function checkAllowed(suggestion: Pick<OpenSuggestion, 'authorId' | 'party'>, decision: Decision, decider: Decider): void {
	if (decision === 'withdraw') {
		if (suggestion.authorId !== decider.userId) throw new DecisionRefused('Only its author can withdraw a suggestion.');
		return;
	}
	if (suggestion.party === decider.side)
		throw new DecisionRefused('Your party made this suggestion: the other party decides on it (you may withdraw your own).');
}

function decideTerm(doc: Y.Doc, suggestion: OpenSuggestion, decision: Decision): void {
	if (decision === 'accept') doc.getMap<string>(TERMS_FIELD).set(suggestion.termKey!, suggestion.value!);
	doc.getMap<string>(TERM_PROPOSALS_FIELD).delete(suggestion.termKey!);
}

/**
 * Accepting an insertion or rejecting/withdrawing a deletion keeps the text and drops the mark;
 * the other way round removes the text. Runs are handled from the end so indexes stay valid.
 */
function decideText(doc: Y.Doc, keys: ReadonlySet<string>, decision: Decision): void {
	const runs = markedRuns(doc).filter((run) => keys.has(`${run.kind}:${run.attrs.id}`));
	const emptied = new Set<Y.XmlText>();
	for (const run of runs.reverse()) {
		if (removesText(run, decision)) {
			run.text.delete(run.index, run.length);
			if (run.text.length === 0) emptied.add(run.text);
		} else {
			run.text.format(run.index, run.length, { [run.kind]: null });
		}
	}
	for (const text of emptied) removeEmptyBlocks(text);
}

function removesText(run: MarkedRun, decision: Decision): boolean {
	return run.kind === 'insertion' ? decision !== 'accept' : decision === 'accept';
}

/** A paragraph left with no content by a decision goes too, and so does a container it leaves empty. */
function removeEmptyBlocks(text: Y.XmlText): void {
	let node: Y.XmlElement | Y.XmlText = text;
	let parent = node.parent;
	while (parent instanceof Y.XmlElement && isEmpty(parent)) {
		node = parent;
		parent = node.parent;
	}
	if (node === text || !(parent instanceof Y.XmlElement || parent instanceof Y.XmlFragment)) return;
	const children = parent.toArray();
	const index = children.indexOf(node);
	if (index < 0) return;
	// A suggested clause whose text was never typed: its heading takes the empty paragraph under it along.
	const next = node instanceof Y.XmlElement && node.nodeName === 'heading' ? children[index + 1] : undefined;
	const alsoNext = next instanceof Y.XmlElement && next.nodeName === 'paragraph' && isEmpty(next) && children.length > 2;
	parent.delete(index, alsoNext ? 2 : 1);
}

/** Leaf nodes that are content in themselves. */
const ATOMS = new Set(['term', 'clauseRef', 'pageBreak', 'hardBreak', 'horizontalRule', 'image']);

function isEmpty(element: Y.XmlElement): boolean {
	if (ATOMS.has(element.nodeName)) return false;
	return element.toArray().every((child) => (child instanceof Y.XmlText ? child.length === 0 : child instanceof Y.XmlElement && isEmpty(child)));
}
