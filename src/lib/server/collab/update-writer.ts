import postgres from 'postgres';
import type { Sql } from '../db';
import { hasSqlState, SqlState } from '../db/errors';
import { appendUpdates, appendUpdatesOfMany, lockedMous, type StoredUpdate } from './persistence';

/** The two statements the writer runs (PostgreSQL's; a test can hold them to see what queues). */
export interface UpdateStatements {
	many(batches: ReadonlyArray<{ mouId: string; updates: StoredUpdate[] }>): Promise<Map<string, string[]>>;
	one(mouId: string, updates: StoredUpdate[]): Promise<string[]>;
	/** Of these MOUs, those whose row a decision holds now (the statements above would wait for it). */
	locked(mouIds: string[]): Promise<Set<string>>;
	/** One MOU's batch where it may wait for a decision's lock as long as it takes (not the writer's connection). */
	wait(mouId: string, updates: StoredUpdate[]): Promise<string[]>;
	/** Closes what the statements opened (their own connection). */
	end?(): Promise<void>;
}

/**
 * `seqs`: whether the rows' seqs are wanted (only the relay uses them); without, `many` gives none.
 * The statements run on a connection of their own, a pool of one. It began as the way around
 * postgres.js 3.4's idle queue, which grew by a slot per query and made each query scan it (a pool of
 * ten 67 → 103 µs per query over 120,000, bench/postgres-queue.bench.ts). postgres.js 4 rewrote the
 * pool: a pool of ten now stays flat (medians 19–22 µs per query, no growth over 160,000), and a
 * pool of one is still a little cheaper (17–21 µs), with the writer's commits never pipelined
 * behind the app's queries, so it is kept (bench/README.md). A pool of one already (the embedded
 * PGlite, which must keep one connection) is used as it is.
 * That connection gives up waiting for a lock after WRITER_LOCK_TIMEOUT (a parameter of the
 * connection, set once at its start, not a statement per commit): a decision holds its MOU's row
 * for its transaction, and one MOU's wait must not hold every other MOU's rows in the statement.
 */
export function postgresStatements(sql: Sql, { seqs }: { seqs: boolean }): UpdateStatements {
	const own = (sql.options?.max ?? 1) > 1;
	// The parsed options (`shared` marks them so) are taken as they are: same server, types, socket.
	const writer: Sql = own ? postgres(writerOptions(sql.options) as unknown as postgres.Options<Record<string, never>>) : sql;
	return {
		many: (batches) => appendUpdatesOfMany(writer, batches, { seqs }),
		one: (mouId, updates) => appendUpdates(writer, mouId, updates),
		locked: (mouIds) => lockedMous(writer, mouIds),
		wait: (mouId, updates) => appendUpdates(sql, mouId, updates),
		end: async () => {
			if (own) await writer.end({ timeout: 5 });
		}
	};
}

/** How long the writer's statement waits for a lock (a decision's, on an MOU's row) before it splits. */
export const WRITER_LOCK_TIMEOUT = '20ms';

/**
 * A pool's options as the writer's own connection takes them (also the commit bench's). Options
 * parsed once are taken as they are, so the scheduler postgres.js turns off for `max: 1` (nothing
 * to choose between) is turned off here.
 */
export function writerOptions<T extends { connection?: object }>(options: T): T & { max: 1; scheduler: false } {
	return { ...options, max: 1, scheduler: false, connection: { ...options.connection, lock_timeout: WRITER_LOCK_TIMEOUT } };
}

interface Request {
	mouId: string;
	updates: StoredUpdate[];
	bytes: number;
	resolve(seqs: string[]): void;
	reject(error: unknown): void;
	/** Its statement gave up waiting for a lock once already. */
	timedOut?: boolean;
}

/** Rows and bytes per INSERT across rooms. */
const MAX_ROWS = 1_000;
const MAX_BYTES = 8 * 1024 * 1024;

/**
 * Stores the update batches of every room of this instance, several rooms per INSERT, by group
 * commit with no timer: when no statement is running, a batch is written at once (an edit on an
 * idle server waits for nothing but its own commit); while one runs, whatever the rooms queue
 * meanwhile goes into the next one. Under load that is one round trip and one commit per few
 * milliseconds for all documents, without adding a wait to anyone's keystroke.
 * A room's batch stays atomic and in order (each room waits for its batch before the next).
 * When a shared INSERT fails, each room's batch is retried alone, so one MOU whose writes fail
 * (a trigger, a deleted MOU) does not take the others down with it.
 * When the statement gave up waiting for a lock (a decision holds an MOU's row), the MOUs held
 * are asked for; their batches wait for the lock on a connection of their own (`wait`), outside
 * this loop, and the others go into the next statement at once. A room sends its next batch only
 * once its previous one is stored, and a MOU that waits is left out of statements until it is
 * stored, so each MOU's batches stay in order.
 */
export class UpdateWriter {
	private queue: Request[] = [];
	private draining = false;
	/** MOUs whose batch waits for a lock outside the shared statements. */
	private readonly waiting = new Set<string>();

	constructor(private readonly statements: UpdateStatements) {}

	/** Once nothing is queued any more (the rooms have settled): closes the statements' connection. */
	async close(): Promise<void> {
		await this.statements.end?.();
	}

	/** Resolves with the rows' seqs once they are committed. */
	append(mouId: string, updates: StoredUpdate[]): Promise<string[]> {
		return new Promise((resolve, reject) => {
			const bytes = updates.reduce((sum, { update }) => sum + update.length, 0);
			this.queue.push({ mouId, updates, bytes, resolve, reject });
			if (!this.draining) void this.drain();
		});
	}

	/** One statement at a time; `draining` drops only when the queue is seen empty (no await in between). */
	private async drain(): Promise<void> {
		this.draining = true;
		while (this.queue.length > 0) {
			const batch = this.take();
			if (batch.length === 0) break; // all that is queued waits behind a lock: its end drains again
			try {
				const seqs = await this.statements.many(batch);
				for (const request of batch) request.resolve(seqs.get(request.mouId)!.splice(0, request.updates.length));
			} catch (error) {
				if (hasSqlState(error, SqlState.lockNotAvailable)) await this.lockedOut(batch);
				else if (batch.length === 1) batch[0].reject(error);
				else await Promise.all(batch.map((request) => this.storeAlone(request)));
			}
		}
		this.draining = false;
	}

	/**
	 * The statement gave up waiting for a lock: the batches of the MOUs held now (or of a second
	 * time out) wait for it apart; the rest go first into the next statement.
	 */
	private async lockedOut(batch: Request[]): Promise<void> {
		const locked = await this.statements.locked(batch.map(({ mouId }) => mouId)).catch(() => new Set(batch.map(({ mouId }) => mouId)));
		const retry: Request[] = [];
		for (const request of batch) {
			if (locked.has(request.mouId) || request.timedOut) this.waitApart(request);
			else retry.push(Object.assign(request, { timedOut: true }));
		}
		this.queue = [...retry, ...this.queue];
	}

	private waitApart(request: Request): void {
		this.waiting.add(request.mouId);
		this.statements
			.wait(request.mouId, request.updates)
			.then(request.resolve, request.reject)
			.finally(() => {
				this.waiting.delete(request.mouId);
				if (!this.draining && this.queue.length > 0) void this.drain();
			});
	}

	/** Whole requests up to the limits (at least one), never two of the same MOU (they are ordered). */
	private take(): Request[] {
		const taken: Request[] = [];
		const rest: Request[] = [];
		const mous = new Set<string>();
		let rows = 0;
		let bytes = 0;
		for (const request of this.queue) {
			const fits = taken.length === 0 || (rows + request.updates.length <= MAX_ROWS && bytes + request.bytes <= MAX_BYTES);
			if (!fits || mous.has(request.mouId) || this.waiting.has(request.mouId)) {
				rest.push(request);
				continue;
			}
			taken.push(request);
			mous.add(request.mouId);
			rows += request.updates.length;
			bytes += request.bytes;
		}
		this.queue = rest;
		return taken;
	}

	private async storeAlone(request: Request): Promise<void> {
		try {
			request.resolve(await this.statements.one(request.mouId, request.updates));
		} catch (error) {
			if (hasSqlState(error, SqlState.lockNotAvailable)) this.waitApart(request);
			else request.reject(error);
		}
	}
}
