/**
 * All SQL for the live document: the append-only update log (mou_updates) and its compacted
 * checkpoint (mou_checkpoints). A document is the checkpoint merged with every remaining log
 * row; Yjs updates are idempotent and commute, so row order and overlaps do not matter.
 */
import * as Y from 'yjs';
import type { Sql, Tx } from '../db';
import type { DecisionsSeen } from './decision-count';

type Queryable = Sql | Tx;

export interface StoredUpdate {
	update: Uint8Array;
	userId: string | null;
	/** How many of the MOU's decisions the room had taken in when it admitted the update (decision-count.ts); none: unchecked. */
	seen?: DecisionsSeen;
}

/** Stored as mou_updates.decisions_seen; a tally not settled yet counts as none seen (refused once there is one). */
const seenOf = ({ seen }: StoredUpdate): number | null => (seen ? (seen.value ?? -1) : null);

export interface StoredDocument {
	/** The checkpoint (if any) followed by the log rows, oldest first. */
	updates: Uint8Array[];
	/** Log rows not yet merged into the checkpoint. */
	tailCount: number;
	/** Every log row up to this seq is in `updates` (see settledWatermark). */
	watermark: string;
}

/** What a document's log gained after a watermark (see loadTailSince). */
export interface StoredTail {
	/** The checkpoint, when it now covers rows past the watermark (they were compacted away). */
	checkpoint: Uint8Array | null;
	/** Rows past the watermark, oldest first, without those the caller already has. */
	updates: Uint8Array[];
	watermark: string;
}

/**
 * Sequence numbers are handed out when an INSERT runs but become visible when it commits, so a
 * row with a lower seq can appear after one with a higher seq. A reader only moves its
 * watermark past rows older than this, which every single-statement append has long committed.
 */
const SETTLE_INTERVAL = '5 seconds';

const EMPTY_UPDATE = new Uint8Array([0, 0]);

/**
 * The log is read before the checkpoint: a compaction that commits between the two statements
 * then shows up in the checkpoint read second (its rows are read twice, which merging ignores),
 * where the other order would miss the rows it merged and deleted.
 */
export async function loadStoredDocument(sql: Queryable, mouId: string): Promise<StoredDocument> {
	const rows = await sql<TailRow[]>`
		select seq, update, created_at < now() - ${SETTLE_INTERVAL}::interval as settled
		from mou_updates where mou_id = ${mouId} order by seq`;
	const [checkpoint] = await sql<{ state: Uint8Array; upto_seq: string }[]>`
		select state, upto_seq from mou_checkpoints where mou_id = ${mouId}`;
	const updates = rows.map((row) => row.update!);
	return {
		updates: checkpoint ? [checkpoint.state, ...updates] : updates,
		tailCount: rows.length,
		watermark: settledWatermark(checkpoint?.upto_seq ?? '0', rows)
	};
}

/**
 * The rows stored after `watermark` (by any instance), skipping the bytes of `known` seqs the
 * caller has already applied. Yjs updates are idempotent, so re-reading a row is only wasted work.
 */
export async function loadTailSince(sql: Queryable, mouId: string, watermark: string, known: readonly string[]): Promise<StoredTail> {
	// The log before the checkpoint, as in loadStoredDocument.
	const rows = await sql<TailRow[]>`
		select seq, case when seq = any(${known as string[]}::bigint[]) then null else update end as update,
			created_at < now() - ${SETTLE_INTERVAL}::interval as settled
		from mou_updates where mou_id = ${mouId} and seq > ${watermark}::bigint order by seq`;
	const [checkpoint] = await sql<{ state: Uint8Array | null; upto_seq: string }[]>`
		select case when upto_seq > ${watermark}::bigint then state end as state, upto_seq
		from mou_checkpoints where mou_id = ${mouId}`;
	const compacted = checkpoint?.state ?? null;
	return {
		checkpoint: compacted,
		updates: rows.flatMap((row) => (row.update ? [row.update] : [])),
		watermark: settledWatermark(compacted ? checkpoint!.upto_seq : watermark, rows)
	};
}

interface TailRow {
	seq: string;
	update: Uint8Array | null;
	settled: boolean;
}

/** The last seq before the first row that might still have an uncommitted predecessor. */
function settledWatermark(from: string, rows: TailRow[]): string {
	let watermark = from;
	for (const row of rows) {
		if (!row.settled) break;
		if (BigInt(row.seq) > BigInt(watermark)) watermark = row.seq;
	}
	return watermark;
}

/**
 * Applies the stored log; a row Yjs cannot read is skipped (and reported) rather than losing the
 * document. Returns the log as the one update it applied (null when it went row by row).
 */
export function applyStoredLog(doc: Y.Doc, updates: Uint8Array[], report: (stage: string, error: unknown, row?: number) => void): Uint8Array | null {
	if (updates.length === 0) return null;
	try {
		const merged = Y.mergeUpdates(updates);
		Y.applyUpdate(doc, merged);
		return merged;
	} catch (error) {
		report('load-merge', error);
	}
	for (const [index, update] of updates.entries()) {
		try {
			Y.applyUpdate(doc, update);
		} catch (error) {
			report('load-row', error, index);
		}
	}
	return null;
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

/** One multi-row INSERT: a batch is durable as a whole or not at all. Returns the rows' seqs. */
export async function appendUpdates(sql: Queryable, mouId: string, updates: StoredUpdate[]): Promise<string[]> {
	if (updates.length === 0) return [];
	const rows = updates.map((stored) => ({ mou_id: mouId, update: stored.update, user_id: stored.userId, decisions_seen: seenOf(stored) }));
	const stored = await sql`insert into mou_updates ${sql(rows, 'mou_id', 'update', 'user_id', 'decisions_seen')} returning seq`;
	return stored.map((row) => row.seq as string);
}

/**
 * The batches of several MOUs in one INSERT (one round trip, one commit). Returns each MOU's
 * new seqs, or no seqs at all with `seqs: false` (an instance without a relay has no use for
 * them: the rows then come back as nothing but the command tag, which is less for the client to
 * parse per commit). All or nothing: the caller retries MOU by MOU when it fails. The statement
 * text is the same for any number of rows (the updates travel as one bytea cut by offsets), so
 * PostgreSQL and postgres.js prepare it once instead of once per row count.
 */
export async function appendUpdatesOfMany(
	sql: Queryable,
	batches: ReadonlyArray<{ mouId: string; updates: StoredUpdate[] }>,
	{ seqs: wantSeqs = true }: { seqs?: boolean } = {}
): Promise<Map<string, string[]>> {
	const seqs = new Map<string, string[]>(batches.map(({ mouId }) => [mouId, []]));
	const mouIds: string[] = [];
	const userIds: Array<string | null> = [];
	const seen: Array<number | null> = [];
	const offsets: number[] = [];
	const lengths: number[] = [];
	const parts: Uint8Array[] = [];
	let offset = 0;
	for (const { mouId, updates } of batches) {
		for (const stored of updates) {
			const { update } = stored;
			mouIds.push(mouId);
			userIds.push(stored.userId);
			seen.push(seenOf(stored));
			offsets.push(offset);
			lengths.push(update.length);
			parts.push(update);
			offset += update.length;
		}
	}
	if (parts.length === 0) return seqs;
	const bytes = Buffer.concat(parts, offset);
	if (!wantSeqs) {
		await sql`
			insert into mou_updates (mou_id, update, user_id, decisions_seen)
			select mou_id, substring(${bytes}::bytea from start + 1 for length), user_id, seen
			from unnest(${mouIds}::uuid[], ${offsets}::int[], ${lengths}::int[], ${userIds as string[]}::uuid[], ${seen as number[]}::bigint[])
				as row (mou_id, start, length, user_id, seen)`;
		return seqs;
	}
	const stored = await sql`
		insert into mou_updates (mou_id, update, user_id, decisions_seen)
		select mou_id, substring(${bytes}::bytea from start + 1 for length), user_id, seen
		from unnest(${mouIds}::uuid[], ${offsets}::int[], ${lengths}::int[], ${userIds as string[]}::uuid[], ${seen as number[]}::bigint[])
			as row (mou_id, start, length, user_id, seen)
		returning mou_id, seq`;
	for (const row of stored) seqs.get(row.mou_id as string)!.push(row.seq as string);
	return seqs;
}

/** The MOU's status (decides whether edits are direct, tracked or refused), or null when it is gone. */
export async function loadMouStatus(sql: Queryable, mouId: string): Promise<string | null> {
	const [row] = await sql<{ status: string }[]>`select status from mous where id = ${mouId}`;
	return row?.status ?? null;
}

/** Whether a party has approved the draft as it stands (a stored edit will withdraw it). */
export async function hasApprovals(sql: Queryable, mouId: string): Promise<boolean> {
	const [row] = await sql<{ found: boolean }[]>`select exists (select 1 from mou_approvals where mou_id = ${mouId}) as found`;
	return row.found;
}

/** The suggestion ids decided in this MOU (never used again, admission/decided-ids.ts). */
export async function loadDecidedIds(sql: Queryable, mouId: string): Promise<string[]> {
	const rows = await sql<{ id: string }[]>`select distinct suggestion_id as id from mou_decisions where mou_id = ${mouId}`;
	return rows.map((row) => row.id);
}

/** How many decisions the MOU has had, and the ids they decided, as of one moment (one statement). */
export async function loadDecisions(sql: Queryable, mouId: string): Promise<{ count: number; ids: string[] }> {
	const [row] = await sql<{ count: string; ids: string[] }[]>`
		select decisions as count, array(select distinct suggestion_id from mou_decisions where mou_id = ${mouId}) as ids
		from mous where id = ${mouId}`;
	return { count: Number(row?.count ?? 0), ids: row?.ids ?? [] };
}

/**
 * A decision's first statement: holds the MOU's row FOR UPDATE until the transaction ends, which
 * makes every mou_updates INSERT of the MOU wait (its trigger takes FOR KEY SHARE), and returns
 * the decisions counted so far. Throws when the MOU is gone.
 */
export async function lockForDecision(tx: Tx, mouId: string): Promise<number> {
	const [row] = await tx<{ count: string }[]>`select decisions as count from mous where id = ${mouId} for update`;
	if (!row) throw new Error('The MOU no longer exists');
	return Number(row.count);
}

/** Of these MOUs, those whose row is held FOR UPDATE now (a decision's lock: their INSERTs would wait). Waits for nothing. */
export async function lockedMous(sql: Queryable, mouIds: string[]): Promise<Set<string>> {
	const free = await sql<{ id: string }[]>`select id from mous where id = any(${mouIds}::uuid[]) for key share skip locked`;
	const ids = new Set(free.map((row) => row.id));
	return new Set(mouIds.filter((id) => !ids.has(id)));
}

/** A decision's last statement (under lockForDecision): counts it; returns the new count. */
export async function countDecision(tx: Tx, mouId: string): Promise<number> {
	const [row] = await tx<{ count: string }[]>`update mous set decisions = decisions + 1 where id = ${mouId} returning decisions as count`;
	return Number(row.count);
}

/** Marks the MOUs as edited now (one statement for all). */
export async function touchActivity(sql: Queryable, mouIds: string[]): Promise<void> {
	await sql`update mous set last_activity_at = now() where id = any(${mouIds}::uuid[])`;
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
