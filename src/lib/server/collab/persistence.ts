/**
 * All SQL for the live document: the append-only update log (mou_updates) and its compacted
 * checkpoint (mou_checkpoints). A document is the checkpoint merged with every remaining log
 * row; Yjs updates are idempotent and commute, so row order and overlaps do not matter.
 */
import * as Y from 'yjs';
import type { Sql, Tx } from '../db';

type Queryable = Sql | Tx;

export interface StoredUpdate {
	update: Uint8Array;
	userId: string | null;
}

export interface StoredDocument {
	/** The checkpoint (if any) followed by the log rows, oldest first. */
	updates: Uint8Array[];
	/** Log rows not yet merged into the checkpoint. */
	tailCount: number;
}

const EMPTY_UPDATE = new Uint8Array([0, 0]);

export async function loadStoredDocument(sql: Queryable, mouId: string): Promise<StoredDocument> {
	const [checkpoint] = await sql<{ state: Uint8Array }[]>`
		select state from mou_checkpoints where mou_id = ${mouId}`;
	const rows = await sql<{ update: Uint8Array }[]>`
		select update from mou_updates where mou_id = ${mouId} order by seq`;
	const updates = rows.map((row) => row.update);
	return { updates: checkpoint ? [checkpoint.state, ...updates] : updates, tailCount: rows.length };
}

/** The whole document as one update (checkpoint + log), e.g. for exports and comparisons. */
export async function loadDocumentState(sql: Queryable, mouId: string): Promise<Uint8Array> {
	const { updates } = await loadStoredDocument(sql, mouId);
	if (updates.length === 0) return EMPTY_UPDATE;
	return updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
}

/** Stores the document an MOU starts from (the filled-in template). */
export async function appendInitialState(sql: Queryable, mouId: string, update: Uint8Array): Promise<void> {
	await appendUpdates(sql, mouId, [{ update, userId: null }]);
}

/** One multi-row INSERT: a batch is durable as a whole or not at all. */
export async function appendUpdates(sql: Queryable, mouId: string, updates: StoredUpdate[]): Promise<void> {
	if (updates.length === 0) return;
	const rows = updates.map(({ update, userId }) => ({ mou_id: mouId, update, user_id: userId }));
	await sql`insert into mou_updates ${sql(rows, 'mou_id', 'update', 'user_id')}`;
}

export async function touchActivity(sql: Queryable, mouId: string): Promise<void> {
	await sql`update mous set last_activity_at = now() where id = ${mouId}`;
}

/**
 * Merges the checkpoint and the log rows present now into a new checkpoint, deleting exactly
 * the rows merged (by seq, so a row committed concurrently with a lower seq is never lost).
 * Merging updates keeps deleted content: history survives, unlike re-encoding a gc'd Y.Doc.
 * Returns how many log rows were merged.
 */
export async function compactDocument(sql: Sql, mouId: string): Promise<number> {
	return sql.begin(async (tx) => {
		// Serialises compactions of one MOU (even across processes). Appends only take a key-share
		// lock on the MOU through their foreign key, so they are not blocked.
		const [mou] = await tx`select id from mous where id = ${mouId} for no key update`;
		if (!mou) return 0;
		const [checkpoint] = await tx<{ state: Uint8Array }[]>`
			select state from mou_checkpoints where mou_id = ${mouId}`;
		const rows = await tx<{ seq: string; update: Uint8Array }[]>`
			select seq, update from mou_updates where mou_id = ${mouId} order by seq`;
		if (rows.length === 0) return 0;
		const parts = rows.map((row) => row.update);
		const state = Y.mergeUpdates(checkpoint ? [checkpoint.state, ...parts] : parts);
		const seqs = rows.map((row) => row.seq);
		const uptoSeq = seqs[seqs.length - 1];
		await tx`
			insert into mou_checkpoints (mou_id, upto_seq, state)
			values (${mouId}, ${uptoSeq}, ${state})
			on conflict (mou_id) do update
				set upto_seq = excluded.upto_seq, state = excluded.state, created_at = now()`;
		await tx`delete from mou_updates where mou_id = ${mouId} and seq = any(${seqs}::bigint[])`;
		return rows.length;
	});
}
