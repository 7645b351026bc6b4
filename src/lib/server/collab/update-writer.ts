import postgres from 'postgres';
import type { Sql } from '../db';
import { appendUpdates, appendUpdatesOfMany, type StoredUpdate } from './persistence';

/** The two statements the writer runs (PostgreSQL's; a test can hold them to see what queues). */
export interface UpdateStatements {
	many(batches: ReadonlyArray<{ mouId: string; updates: StoredUpdate[] }>): Promise<Map<string, string[]>>;
	one(mouId: string, updates: StoredUpdate[]): Promise<string[]>;
	/** Closes what the statements opened (their own connection). */
	end?(): Promise<void>;
}

/**
 * `seqs`: whether the rows' seqs are wanted (only the relay uses them); without, `many` gives none.
 * The statements run on a connection of their own: postgres.js (3.4) keeps a pool's idle
 * connections in a queue whose array only empties when every connection is taken at once, so
 * with a few of ten in use it gains a slot per query and each query scans it (`indexOf`): the
 * pool's CPU per query grows with the number of queries it ever ran (44 → 88 µs over 120,000, see
 * bench/README.md). The writer is most of this server's queries (hundreds of commits a second);
 * on a pool of one connection that queue empties at every query. A pool of one already (the
 * embedded PGlite, which must keep one connection) is used as it is.
 */
export function postgresStatements(sql: Sql, { seqs }: { seqs: boolean }): UpdateStatements {
	const own = (sql.options?.max ?? 1) > 1;
	// The parsed options (`shared` marks them so) are taken as they are: same server, types, socket.
	const writer: Sql = own ? postgres({ ...sql.options, max: 1 } as unknown as postgres.Options<Record<string, never>>) : sql;
	return {
		many: (batches) => appendUpdatesOfMany(writer, batches, { seqs }),
		one: (mouId, updates) => appendUpdates(writer, mouId, updates),
		end: async () => {
			if (own) await writer.end({ timeout: 5 });
		}
	};
}

interface Request {
	mouId: string;
	updates: StoredUpdate[];
	bytes: number;
	resolve(seqs: string[]): void;
	reject(error: unknown): void;
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
 */
export class UpdateWriter {
	private queue: Request[] = [];
	private draining = false;

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
			try {
				const seqs = await this.statements.many(batch);
				for (const request of batch) request.resolve(seqs.get(request.mouId)!.splice(0, request.updates.length));
			} catch (error) {
				if (batch.length === 1) batch[0].reject(error);
				else await Promise.all(batch.map((request) => this.storeAlone(request)));
			}
		}
		this.draining = false;
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
			if (!fits || mous.has(request.mouId)) {
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
			request.reject(error);
		}
	}
}
