import * as Y from 'yjs';
import { encodeSyncStep2, encodeSyncStep2Of } from './messages';

/**
 * What a newcomer who has nothing (an editor opening the MOU) is sent: the whole document.
 * Encoding it is most of what opening an MOU that is already loaded costs — gc is off, so every
 * character the negotiation ever deleted is in it — and it is the same for every newcomer until
 * the document changes, so it is kept until then. The first one comes from loading, whose merged
 * log already is the whole document.
 */
export class FullState {
	private bytes: Uint8Array | null = null;
	private transactions = 0;

	constructor(private readonly doc: Y.Doc) {
		doc.on('afterTransaction', () => {
			this.transactions++;
			this.bytes = null;
		});
	}

	/** The stored log was applied as this one update (null: row by row); kept if nothing else happened to the document. */
	loaded(update: Uint8Array | null): void {
		if (this.transactions === 1) this.bytes = update;
	}

	/** The sync step 2 answering a client's state vector. */
	syncStep2(stateVector: Uint8Array): Uint8Array {
		if (!isEmptyStateVector(stateVector)) return encodeSyncStep2(this.doc, stateVector);
		this.bytes ??= Y.encodeStateAsUpdate(this.doc);
		return encodeSyncStep2Of(this.bytes);
	}
}

/** A state vector of no clients: the client has nothing. */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
	return stateVector.length === 1 && stateVector[0] === 0;
}
