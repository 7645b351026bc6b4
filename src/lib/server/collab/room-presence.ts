import { encodeAwarenessUpdate, removeAwarenessStates, type Awareness } from 'y-protocols/awareness';
import { CloseCode } from '../../collab/protocol';
import { Connection, errorMessage } from './connection';
import { encodeAwareness } from './messages';
import { applyPresence, decodePresence, stampIdentity } from './presence';
import type { RoomPeers } from './room-peers';

/** Origin of the presence removal when a connection leaves. */
class Departure {
	constructor(readonly userId: string) {}
}

interface AwarenessChanges {
	added: number[];
	updated: number[];
	removed: number[];
}

/**
 * Who is in a room and where their cursor is: each connection speaks only for its own awareness
 * client ids, under its signed-in name; changes go to the other connections and instances.
 */
export class RoomPresence {
	constructor(
		private readonly awareness: Awareness,
		private readonly connections: () => Iterable<Connection>,
		private readonly peers: RoomPeers | null
	) {
		awareness.on('update', (changes: AwarenessChanges, origin: unknown) => this.changed(changes, origin));
	}

	/** Everyone present, for a newcomer (or a query-awareness message). */
	sendAll(connection: Connection, always = false): void {
		const present = [...this.awareness.getStates().keys()];
		if (present.length > 0 || always) connection.send(encodeAwareness(encodeAwarenessUpdate(this.awareness, present)));
	}

	receive(connection: Connection, update: Uint8Array): void {
		let entries;
		try {
			entries = decodePresence(update);
		} catch (error) {
			connection.close(CloseCode.malformed, `Malformed awareness update: ${errorMessage(error)}`);
			return;
		}
		const own = entries
			.filter((entry) => !this.ownedByAnother(connection, entry.clientId))
			.map((entry) => stampIdentity(entry, connection.identity!));
		if (own.length > 0) applyPresence(this.awareness, own, connection);
	}

	/** The connection left: its presence goes. */
	leave(connection: Connection): void {
		const departure = new Departure(connection.identity?.userId ?? '');
		removeAwarenessStates(this.awareness, [...connection.awarenessClients], departure);
	}

	/** Local connections of each person and their presence client ids (for other instances). */
	localPresence(): Array<{ userId: string; clients: number[] }> {
		return [...this.connections()]
			.filter((connection) => connection.identity !== null)
			.map((connection) => ({ userId: connection.identity!.userId, clients: [...connection.awarenessClients] }));
	}

	/** A client id in use by another connection, here or (for another person) on another instance. */
	private ownedByAnother(connection: Connection, clientId: number): boolean {
		for (const other of this.connections()) {
			if (other !== connection && other.awarenessClients.has(clientId)) return true;
		}
		const remoteOwner = this.peers?.remoteOwner(clientId);
		// The same person may take their id over: that is a tab reconnecting through this instance.
		return remoteOwner !== undefined && remoteOwner !== connection.identity?.userId;
	}

	private changed({ added, updated, removed }: AwarenessChanges, origin: unknown): void {
		if (origin instanceof Connection) {
			for (const client of added) origin.awarenessClients.add(client);
			for (const client of removed) origin.awarenessClients.delete(client);
		}
		this.peers?.forget(removed);
		const changed = [...added, ...updated, ...removed];
		const update = encodeAwarenessUpdate(this.awareness, changed);
		const message = encodeAwareness(update);
		for (const connection of this.connections()) {
			if (connection !== origin) connection.send(message);
		}
		this.relay(update, origin);
	}

	/** Presence changed by a local connection (or its departure) goes to the other instances. */
	private relay(update: Uint8Array, origin: unknown): void {
		if (!this.peers) return;
		let userId: string | undefined;
		if (origin instanceof Connection) userId = origin.identity?.userId;
		else if (origin instanceof Departure) userId = origin.userId;
		if (userId !== undefined) this.peers.presenceChanged(update, userId);
	}
}
