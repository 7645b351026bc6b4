import type { Sql } from '../db';
import { errorMessage } from './connection';
import { touchActivity } from './persistence';
import type { CollabLog } from './types';

/** mous.last_activity_at is a "recently edited" hint, not an audit trail: it may trail by this. */
export const ACTIVITY_INTERVAL_MS = 5_000;

/**
 * The "recently edited" stamp of every document this instance stores edits for, written for all
 * of them in one UPDATE at most every ACTIVITY_INTERVAL_MS: one statement and one commit for the
 * instance instead of one per open document (200 typing rooms made 40 commits a second of it).
 */
export class ActivityStamps {
	private due = new Set<string>();
	private timer: ReturnType<typeof setTimeout> | null = null;
	private writing: Promise<void> | null = null;

	constructor(
		private readonly sql: Sql,
		private readonly log: CollabLog
	) {}

	/** An edit of `mouId` was stored. */
	edited(mouId: string): void {
		this.due.add(mouId);
		if (this.timer) return;
		this.timer = setTimeout(() => void this.flush(), ACTIVITY_INTERVAL_MS);
		this.timer.unref();
	}

	/** Writes what is due now (at shutdown); resolves once written. */
	async flush(): Promise<void> {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		await this.writing;
		if (this.due.size === 0) return;
		const mouIds = [...this.due];
		this.due = new Set();
		this.writing = touchActivity(this.sql, mouIds)
			.catch((error) => this.log({ event: 'collab.error', stage: 'activity', documents: mouIds.length, error: errorMessage(error) }))
			.finally(() => (this.writing = null));
		await this.writing;
	}
}
