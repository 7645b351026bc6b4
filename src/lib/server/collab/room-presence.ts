import * as encoding from 'lib0/encoding';
import { encodeAwarenessUpdate, removeAwarenessStates, type Awareness } from 'y-protocols/awareness';
import { CloseCode } from '../../collab/protocol';
import { Connection, errorMessage } from './connection';
import { encodeAwareness } from './messages';
import { applyPresence, decodePresence, IdentityStamp, type PresenceEntry } from './presence';
import type { RoomPeers } from './room-peers';

/**
 * Cursors are rebroadcast at human rates: a room sends the presence that changed at most this
 * often (the last state of each client wins; nothing is lost, only intermediate positions).
 */
export const PRESENCE_INTERVAL_MS = 50;
/**
 * How long presence waits for an edit of the room that is being stored. A cursor usually points
 * into the text just typed, which others do not have until it is stored; sent with that text it
 * arrives where it can be placed, in the same socket write, instead of in a write of its own.
 */
export const PRESENCE_WAIT_FOR_EDIT_MS = 250;

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
 * Changes are collected and sent together: with the room's next stored edit (a cursor then
 * arrives with the text it follows, in the same socket write) or PRESENCE_INTERVAL_MS after the
 * first one when no edit is being stored (else up to PRESENCE_WAIT_FOR_EDIT_MS for it), and never
 * more often than every PRESENCE_INTERVAL_MS. Someone leaving is sent at once.
 */
export class RoomPresence {
	/** Client ids changed since the last send → the connection that changed them (not sent back to it). */
	private readonly pending = new Map<number, Connection | null>();
	private timer: ReturnType<typeof setTimeout> | null = null;
	private lastSent = -Infinity;
	/** When the oldest change in `pending` was made. */
	private pendingSince = 0;
	private readonly stamps = new WeakMap<Connection, IdentityStamp>();

	constructor(
		private readonly awareness: Awareness,
		private readonly connections: () => Iterable<Connection>,
		private readonly peers: RoomPeers | null,
		/** Whether the room has edits admitted but not yet stored and broadcast. */
		private readonly editsUnderway: () => boolean
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
		let stamp = this.stamps.get(connection);
		if (!stamp) this.stamps.set(connection, (stamp = new IdentityStamp(connection.identity!)));
		const own: PresenceEntry[] = [];
		for (const entry of entries) if (!this.ownedByAnother(connection, entry.clientId)) own.push(stamp.stamp(entry));
		if (own.length > 0) applyPresence(this.awareness, own, connection);
	}

	/** The connection left: its presence goes. */
	leave(connection: Connection): void {
		const departure = new Departure(connection.identity?.userId ?? '');
		removeAwarenessStates(this.awareness, [...connection.awarenessClients], departure);
	}

	/** The room broadcast a stored edit: presence waiting to go rides along, if the interval allows. */
	editSent(): void {
		if (this.pending.size === 0) return;
		if (performance.now() - this.lastSent >= PRESENCE_INTERVAL_MS) return this.flush();
		// Too soon after the last send: it goes when the interval is over (not a whole wait later).
		if (this.timer) clearTimeout(this.timer);
		this.timer = setTimeout(() => this.due(), this.lastSent + PRESENCE_INTERVAL_MS - performance.now());
	}

	/** The room is going: nothing more is sent. */
	stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		this.pending.clear();
	}

	/** Local connections of each person and their presence client ids (for other instances). */
	localPresence(): Array<{ userId: string; clients: number[] }> {
		return [...this.connections()]
			.filter((connection) => connection.identity !== null)
			.map((connection) => ({ userId: connection.identity!.userId, clients: [...connection.awarenessClients] }));
	}

	/** A client id in use by another connection, here or (for another person) on another instance. */
	private ownedByAnother(connection: Connection, clientId: number): boolean {
		// An id is held by one connection here at most: the one that has it needs no search.
		if (!connection.awarenessClients.has(clientId)) {
			for (const other of this.connections()) {
				if (other !== connection && other.awarenessClients.has(clientId)) return true;
			}
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
		const from = origin instanceof Connection ? origin : null;
		if (this.pending.size === 0) this.pendingSince = performance.now();
		const changed = removed.length + added.length === 0 ? updated : [...added, ...updated, ...removed];
		for (const client of changed) this.pending.set(client, from);
		this.relay(changed, origin);
		if (removed.length > 0) this.flush();
		else this.timer ??= setTimeout(() => this.due(), this.firstWait());
	}

	/**
	 * While an edit is being stored the change waits for it (its broadcast sends it; no timer fires
	 * in between, which on a busy machine would be a wake-up per keystroke); else the interval.
	 */
	private firstWait(): number {
		if (this.editsUnderway()) return PRESENCE_WAIT_FOR_EDIT_MS;
		return Math.max(0, this.lastSent + PRESENCE_INTERVAL_MS - performance.now(), PRESENCE_INTERVAL_MS / 2);
	}

	/** The interval has passed: send now, unless an edit being stored will carry it soon. */
	private due(): void {
		const waited = performance.now() - this.pendingSince;
		if (this.editsUnderway() && waited < PRESENCE_WAIT_FOR_EDIT_MS) {
			this.timer = setTimeout(() => this.due(), PRESENCE_WAIT_FOR_EDIT_MS - waited);
			return;
		}
		this.flush();
	}

	/** Sends what changed, each client's current state, to every connection but the one that changed it. */
	private flush(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		if (this.pending.size === 0) return;
		this.lastSent = performance.now();
		if (this.pending.size === 1) return this.flushOne();
		const entries = [...this.pending].map(([client, from]) => ({ from, bytes: this.encodeEntry(client) }));
		this.pending.clear();
		let toEveryone: Uint8Array | null = null;
		for (const connection of this.connections()) {
			if (entries.every((entry) => entry.from !== connection)) {
				toEveryone ??= awarenessMessage(entries.map((entry) => entry.bytes));
				connection.send(toEveryone);
			} else {
				const others = entries.filter((entry) => entry.from !== connection).map((entry) => entry.bytes);
				if (others.length > 0) connection.send(awarenessMessage(others));
			}
		}
	}

	/** The usual case, one client's cursor moved: one message, to everyone but its connection. */
	private flushOne(): void {
		const [client, from] = this.pending.entries().next().value!;
		this.pending.clear();
		const update = encoding.createEncoder();
		encoding.writeVarUint(update, 1);
		this.writeEntry(update, client);
		const message = encodeAwareness(encoding.toUint8Array(update));
		for (const connection of this.connections()) if (connection !== from) connection.send(message);
	}

	/** One client's entry as y-protocols encodes it: id, clock, state as JSON (null once gone). */
	private encodeEntry(client: number): Uint8Array {
		const encoder = encoding.createEncoder();
		this.writeEntry(encoder, client);
		return encoding.toUint8Array(encoder);
	}

	private writeEntry(encoder: encoding.Encoder, client: number): void {
		encoding.writeVarUint(encoder, client);
		encoding.writeVarUint(encoder, this.awareness.meta.get(client)?.clock ?? 0);
		encoding.writeVarString(encoder, JSON.stringify(this.awareness.getStates().get(client) ?? null));
	}

	/** Presence changed by a local connection (or its departure) goes to the other instances at once. */
	private relay(changed: number[], origin: unknown): void {
		if (!this.peers) return;
		let userId: string | undefined;
		if (origin instanceof Connection) userId = origin.identity?.userId;
		else if (origin instanceof Departure) userId = origin.userId;
		if (userId !== undefined) this.peers.presenceChanged(encodeAwarenessUpdate(this.awareness, changed), userId);
	}
}

/** An awareness message of the given entries (each encoded by encodeEntry). */
function awarenessMessage(entries: Uint8Array[]): Uint8Array {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, entries.length);
	for (const entry of entries) encoding.writeUint8Array(update, entry);
	return encodeAwareness(encoding.toUint8Array(update));
}
