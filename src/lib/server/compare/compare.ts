import * as Y from 'yjs';
import { BODY_FIELD, TERMS_FIELD, openStoredDoc } from '$lib/document';
import { plainPresentation, type TermPresentation } from '../../editor/term-values';
import { NOBODY, type ClientDirectory } from './attribution';
import { blocksOf } from './blocks';
import { compareTerms, readTerms } from './terms';
import { summarize } from './summary';
import type { CompareBlock, Comparison } from '../../compare/types';

export interface CompareOptions {
	directory?: ClientDirectory;
	/** How inline terms read (labels, formatted values); plain keys and values by default. */
	presentation?: TermPresentation;
}

/**
 * The changes from `older` to `newer`, two full states of the same MOU document (merged
 * updates, history intact), the older contained in the newer. The newer state is loaded
 * without GC, so text deleted since the older version is still there to show; the older one
 * only provides a snapshot (state vector + delete set) to test every item against.
 */
export function compareStates(older: Uint8Array, newer: Uint8Array, options: CompareOptions = {}): Comparison {
	const directory = options.directory ?? NOBODY;
	const presentation = options.presentation ?? plainPresentation;
	const olderDoc = openStoredDoc(older);
	const before = Y.snapshot(olderDoc);
	const termsBefore = readTerms(olderDoc);
	olderDoc.destroy();

	const doc = openStoredDoc(newer);
	const values = doc.getMap<string>(TERMS_FIELD);
	const termText = (key: string) => {
		const value = (values.get(key) ?? '').trim();
		return value ? presentation.format(key, value) || value : `[${presentation.label(key)}]`;
	};
	let blocks: CompareBlock[] = [];
	const body = doc.getXmlFragment(BODY_FIELD);
	// Split items at the older version's boundaries first, so each item is wholly in or out of
	// it; Yjs merges them back when the transaction ends, hence the walk inside it.
	Y.transact(doc, (tr) => {
		splitAt(tr, before);
		blocks = blocksOf(body, { before, directory, termText });
	});
	const terms = compareTerms(termsBefore, doc, directory);
	doc.destroy();
	return { blocks, terms, summary: summarize(blocks, terms) };
}

/** As Yjs's own splitSnapshotAffectedStructs (not exported): cut at the clocks and deletions of `snapshot`. */
function splitAt(tr: Y.Transaction, snapshot: Y.Snapshot): void {
	snapshot.sv.forEach((clock, client) => {
		if (clock < Y.getState(tr.doc.store, client)) Y.getItemCleanStart(tr, Y.createID(client, clock));
	});
	Y.iterateDeletedStructs(tr, snapshot.ds, () => {});
}
