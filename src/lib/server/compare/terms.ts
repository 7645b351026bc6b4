import * as Y from 'yjs';
import { parseTermProposal } from '../../redlines/types';
import { TERMS_FIELD, TERM_PROPOSALS_FIELD } from '$lib/document';
import { fromMark, UNKNOWN, type ClientDirectory } from './attribution';
import type { Attribution, TermChange } from '../../compare/types';

/** The term values and open proposals of a version, read before its document is dropped. */
export interface TermsState {
	values: Record<string, string>;
	proposals: Record<string, string>;
}

export function readTerms(doc: Y.Doc): TermsState {
	return {
		values: stringsOf(doc.getMap(TERMS_FIELD)),
		proposals: stringsOf(doc.getMap(TERM_PROPOSALS_FIELD))
	};
}

function stringsOf(map: Y.Map<unknown>): Record<string, string> {
	const out: Record<string, string> = {};
	map.forEach((value, key) => {
		if (typeof value === 'string') out[key] = value;
	});
	return out;
}

/**
 * Term values that differ between the versions, then proposals opened since the older one that
 * still wait for a decision. `newer` is the live document of the newer version (for history).
 */
export function compareTerms(before: TermsState, newer: Y.Doc, directory: ClientDirectory): TermChange[] {
	const after = readTerms(newer);
	const changes: TermChange[] = [];
	for (const key of new Set([...Object.keys(before.values), ...Object.keys(after.values)])) {
		const was = before.values[key] ?? '';
		const is = after.values[key] ?? '';
		if (was !== is) changes.push({ key, before: was, after: is, ...whoSet(newer, key, is, directory) });
	}
	for (const [key, text] of Object.entries(after.proposals)) {
		const proposal = parseTermProposal(text);
		const current = after.values[key] ?? '';
		if (!proposal || proposal.value === current || parseTermProposal(before.proposals[key])?.id === proposal.id) continue;
		changes.push({ key, before: current, after: proposal.value, pending: true, ...fromMark(proposal) });
	}
	return changes;
}

/**
 * Who set a term's current value: the person behind the map entry's client; when the server
 * wrote it (accepting a proposal), the party whose proposal carried that value. The map keeps
 * every earlier value of a key (gc: false), newest first along `left`.
 */
function whoSet(doc: Y.Doc, key: string, value: string, directory: ClientDirectory): Attribution {
	const entry = doc.getMap(TERMS_FIELD)._map.get(key);
	const person = entry && !entry.deleted ? directory.client(entry.id.client) : null;
	if (person) return person;
	for (let item = doc.getMap(TERM_PROPOSALS_FIELD)._map.get(key) ?? null; item; item = item.left) {
		const proposal = parseTermProposal(item.content.getContent()[0]);
		if (proposal?.value === value) return fromMark(proposal);
	}
	return UNKNOWN;
}
