import { errorMessage } from './connection';
import { compactDocument } from './persistence';
import type { RoomContext } from './room-context';

/**
 * A room's housekeeping after writes: merging the log into the checkpoint once it grows past
 * compactAfterUpdates rows (one compaction at a time per instance), and the activity stamp
 * (written for the whole instance, activity-stamps.ts). Both run in the background; a failure is
 * logged and tried again after a later write.
 */
export class RoomUpkeep {
	/** Log rows past the checkpoint, as far as this room knows. */
	private tailCount = 0;
	private compacting = false;

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
		this.ctx.edited(this.mouId);
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
}
