import * as Y from 'yjs';

interface DeletedRange {
	client: number;
	clock: number;
	len: number;
}

type DeleteSet = Y.Transaction['deleteSet'];

/**
 * Knows whether everything this client wrote is stored on the server.
 *
 * Insertions advance the client's clock, so "saved" for them means the server reported a
 * persisted clock at least as high as ours (MESSAGE_PERSISTED acks, or the state vector the
 * server sends on connect — its document only ever holds what is stored). Deletions do not
 * advance any clock, so they are kept as ranges until a delete set that came from the server
 * (a sync step 2 or a relayed update) covers them.
 */
export class SaveTracker {
	private readonly persisted = new Map<number, number>();
	private pendingDeletes: DeletedRange[] = [];
	private readonly onTransaction = (tr: Y.Transaction) => {
		if (!tr.local) return; // remote content is the server's, stored already
		for (const [client, items] of tr.deleteSet.clients) {
			for (const item of items) this.pendingDeletes.push({ client, clock: item.clock, len: item.len });
		}
		this.onChange();
	};

	constructor(
		private readonly doc: Y.Doc,
		private readonly onChange: () => void
	) {
		doc.on('afterTransaction', this.onTransaction);
	}

	/** Clocks the server reports as stored (an ack, or its state vector). */
	acknowledgeClocks(clocks: ReadonlyMap<number, number>): void {
		let changed = false;
		for (const [client, clock] of clocks) {
			if (clock > (this.persisted.get(client) ?? 0)) {
				this.persisted.set(client, clock);
				changed = true;
			}
		}
		if (changed) this.onChange();
	}

	/** A delete set the server sent: whatever it covers is stored. */
	acknowledgeDeletes(ds: DeleteSet): void {
		if (this.pendingDeletes.length === 0) return;
		const before = this.pendingDeletes.length;
		this.pendingDeletes = this.pendingDeletes.filter((range) => !covers(ds, range));
		if (this.pendingDeletes.length !== before) this.onChange();
	}

	get hasPendingDeletes(): boolean {
		return this.pendingDeletes.length > 0;
	}

	/** True while something this client wrote is not yet known to be stored. */
	get hasUnsavedChanges(): boolean {
		const written = Y.getState(this.doc.store, this.doc.clientID);
		return written > (this.persisted.get(this.doc.clientID) ?? 0) || this.pendingDeletes.length > 0;
	}

	destroy(): void {
		this.doc.off('afterTransaction', this.onTransaction);
	}
}

/** Whether `ds` marks every clock of `range` deleted (ranges in `ds` may touch or overlap). */
function covers(ds: DeleteSet, range: DeletedRange): boolean {
	const items = [...(ds.clients.get(range.client) ?? [])].sort((a, b) => a.clock - b.clock);
	let next = range.clock;
	const end = range.clock + range.len;
	for (const item of items) {
		if (item.clock > next) break;
		next = Math.max(next, item.clock + item.len);
		if (next >= end) return true;
	}
	return next >= end;
}
