import type * as Y from 'yjs';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { parseTermProposal } from '../redlines/types';
import { TERM_PROPOSALS_FIELD } from './fields';
import { markedRuns } from './suggestion-runs';

// What a decider saw of each suggestion. The suggestions panel computes it from the browser's copy
// of the document when a decision is posted; the server computes it again from its own copy, under
// the decision's lock, and refuses the decision when they differ (the author typed meanwhile).

/** The form field that carries one `id:fingerprint` per decided suggestion. */
export const SEEN_FIELD = 'seen';

const ENCODER = new TextEncoder();
/** An embedded node (a term, a reference) inside a run. */
const EMBED = '\uFFFC';

/**
 * One fingerprint per open suggestion id: a hash of the text of every run carrying its mark, with
 * the kind of each (insertion or deletion), one part per paragraph, and of a term
 * proposal's key and value. Formatting inside a run does not count; what it says does.
 */
export function suggestionFingerprints(doc: Y.Doc): Map<string, string> {
	const parts = new Map<string, string[][]>();
	const add = (id: string, part: string[]): number => {
		const list = parts.get(id) ?? [];
		parts.set(id, list);
		return list.push(part) - 1;
	};
	const ends = new Map<string, { text: Y.XmlText; end: number; part: number }>();
	for (const run of markedRuns(doc)) {
		const key = `${run.kind}:${run.attrs.id}`;
		const content = run.content || EMBED.repeat(run.length);
		// Runs split only by formatting (bold, a comment) are one part.
		const previous = ends.get(key);
		if (previous && previous.text === run.text && previous.end === run.index) {
			const list = parts.get(run.attrs.id)!;
			list[previous.part][1] += content;
			previous.end += run.length;
		} else {
			const part = add(run.attrs.id, [run.kind, content]);
			ends.set(key, { text: run.text, end: run.index + run.length, part });
		}
	}
	for (const [termKey, raw] of doc.getMap<string>(TERM_PROPOSALS_FIELD)) {
		const proposal = parseTermProposal(raw);
		if (proposal) add(proposal.id, ['term', termKey, proposal.value]);
	}
	const fingerprints = new Map<string, string>();
	for (const [id, list] of parts) fingerprints.set(id, encodeBase64urlNoPadding(sha256(ENCODER.encode(JSON.stringify(list))).slice(0, 18)));
	return fingerprints;
}

/** The form values for deciding `ids` as they are in `doc` now (an id no longer open gets none). */
export function seenEntries(doc: Y.Doc, ids: readonly string[]): string[] {
	const fingerprints = suggestionFingerprints(doc);
	return ids.flatMap((id) => {
		const fingerprint = fingerprints.get(id);
		return fingerprint ? [`${id}:${fingerprint}`] : [];
	});
}

/** The fingerprints a decision says its decider saw, by id (malformed entries are left out). */
export function parseSeen(values: readonly unknown[]): Map<string, string> {
	const seen = new Map<string, string>();
	for (const value of values) {
		const match = typeof value === 'string' ? /^([A-Za-z0-9_-]{1,64}):([A-Za-z0-9_-]{24})$/.exec(value) : null;
		if (match) seen.set(match[1], match[2]);
	}
	return seen;
}
