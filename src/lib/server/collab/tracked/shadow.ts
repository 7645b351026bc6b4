import * as Y from 'yjs';
import { trackedChangeViolation, type Writer } from './rules';

/**
 * A copy of a negotiated MOU's document that is always one step ahead of the room's: the room's
 * document plus everything accepted but not yet stored. Each update from counsel is applied here
 * first and judged on the result (tracked-change rules need the integrated positions and
 * formatting); a refused update leaves the copy spoiled, and it is rebuilt from the room's
 * document before the next check. Refusals are rare (a buggy or hostile client), so rebuilding
 * is cheaper than keeping an undo log.
 */
export class ShadowDocument {
	private doc: Y.Doc | null = null;
	/** The room's document took in updates from elsewhere (other instances, the server's decisions). */
	private behind = false;

	constructor(
		private readonly source: Y.Doc,
		/** What is accepted but not yet in the source, merged (or null). */
		private readonly staged: () => Uint8Array | null
	) {}

	/** The room's document changed other than through `check` (relayed, caught up, server change). */
	markBehind(): void {
		this.behind = true;
	}

	/** Applies the update to the copy and judges it; null when it may go on. */
	check(update: Uint8Array, writer: Writer): string | null {
		const doc = this.current();
		let violation: string | null = null;
		// Yjs may follow the update with a transaction of its own (formatting clean-up): keep the first verdict.
		const judge = (tr: Y.Transaction) => {
			violation ??= trackedChangeViolation(tr, writer);
		};
		doc.on('afterTransaction', judge);
		try {
			Y.applyUpdate(doc, update);
		} catch {
			violation = 'could not be applied';
		} finally {
			doc.off('afterTransaction', judge);
		}
		if (violation !== null) this.discard();
		return violation;
	}

	/** The copy as the last check left it (null when it must be rebuilt first). */
	get copy(): Y.Doc | null {
		return this.behind ? null : this.doc;
	}

	/** Something admitted without `check` (the server's marks staged with an update): taken in, or the copy is rebuilt. */
	include(update: Uint8Array): void {
		if (this.doc !== null && !this.behind) Y.applyUpdate(this.doc, update);
		else this.discard();
	}

	discard(): void {
		this.doc?.destroy();
		this.doc = null;
	}

	private current(): Y.Doc {
		if (this.doc === null) {
			this.doc = new Y.Doc({ gc: false });
			Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(this.source));
			const staged = this.staged();
			if (staged) Y.applyUpdate(this.doc, staged);
			this.behind = false;
		} else if (this.behind) {
			// Only what the source has that the copy lacks, plus its deletions (idempotent).
			Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(this.source, Y.encodeStateVector(this.doc)));
			this.behind = false;
		}
		return this.doc;
	}
}
