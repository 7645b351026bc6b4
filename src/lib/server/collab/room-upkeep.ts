import { errorMessage } from './connection';
import { compactDocument, touchActivity } from './persistence';
import type { RoomContext } from './room-context';

/** mous.last_activity_at is a "recently edited" hint, not an audit trail. */
const ACTIVITY_INTERVAL_MS = 5_000;

/**
 * A room's housekeeping after writes: merging the log into the checkpoint once it grows past
 * compactAfterUpdates rows (one compaction at a time per instance), and the activity stamp.
 * Both run in the background; a failure is logged and tried again after a later write.
 */
export class RoomUpkeep {
	/** Log rows past the checkpoint, as far as this room knows. */
	private tailCount = 0;
	private compacting = false;
	private lastActivityStamp = 0;

	constructor(
		private readonly mouId: string,
		private readonly ctx: RoomContext
	) {}

	/** The document was loaded with this many rows past its checkpoint. */
	loaded(tailCount: number): void {
		this.tailCount = tailCount;
		this.maybeCompact();
	}

	/** A batch of `rows` was stored. */
	stored(rows: number): void {
		this.tailCount += rows;
		this.maybeCompact();
		this.maybeStampActivity();
	}

	private maybeCompact(): void {
		if (this.compacting || this.tailCount < this.ctx.limits.compactAfterUpdates) return;
		this.compacting = true;
		const task = this.ctx
			.oneCompactionAtATime(() => compactDocument(this.ctx.sql, this.mouId))
			.then((merged) => {
				this.tailCount = Math.max(0, this.tailCount - merged);
				this.ctx.log({ event: 'collab.compacted', mouId: this.mouId, merged });
			})
			.catch((error) => this.ctx.log({ event: 'collab.error', stage: 'compact', mouId: this.mouId, error: errorMessage(error) }))
			.finally(() => (this.compacting = false));
		this.ctx.track(task);
	}

	private maybeStampActivity(): void {
		const now = Date.now();
		if (now - this.lastActivityStamp < ACTIVITY_INTERVAL_MS) return;
		this.lastActivityStamp = now;
		const task = touchActivity(this.ctx.sql, this.mouId).catch((error) =>
			this.ctx.log({ event: 'collab.error', stage: 'activity', mouId: this.mouId, error: errorMessage(error) })
		);
		this.ctx.track(task);
	}
}
