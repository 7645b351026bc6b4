import { createHash } from 'node:crypto';
import type { Tx } from '$lib/server/db';
import { loadDocumentState } from '$lib/server/collab';
import * as store from './store';

export interface DraftSnapshot {
	/** Every stored update up to this sequence number is in `state`. */
	throughSeq: string;
	/** The full Yjs state (merged updates, history intact), as stored. */
	state: Uint8Array;
	sha256: string;
}

/**
 * The stored draft as it stands. Call with the MOU row locked (store.lockMou): no edit can then be
 * stored until the transaction ends, so the sequence number and the state describe the same text.
 */
export async function snapshotDraft(tx: Tx, mouId: string): Promise<DraftSnapshot> {
	const throughSeq = await store.currentSeq(tx, mouId);
	const state = await loadDocumentState(tx, mouId);
	return { throughSeq, state, sha256: createHash('sha256').update(state).digest('hex') };
}
