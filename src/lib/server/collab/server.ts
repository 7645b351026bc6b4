import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type * as Y from 'yjs';
import { CloseCode, mouIdFromCollabPath, type NoticeTopic } from '../../collab/protocol';
import { Connection, errorMessage } from './connection';
import { ConnectionCounts, RateMeter } from './limits';
import { Room } from './room';
import type { ServerChangeOptions, ServerChangeRecord } from './server-change';
import type { RoomContext } from './room-context';
import { ActivityStamps } from './activity-stamps';
import { appendUpdates, countDecision, lockForDecision } from './persistence';
import { postgresStatements, UpdateWriter } from './update-writer';
import { DEFAULT_LIMITS, NO_DOCUMENT_RULES, type CollabIdentity, type CollabLog, type CollabServerOptions, type CollabStats } from './types';

export interface CollabServer {
	/** Hand an HTTP upgrade for /collab/<mouId> to the collaboration server. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
	/** Closes every connection (1001), waits for pending writes and background work, closes the relay. */
	close(): Promise<void>;
	stats(): CollabStats;
	/** For health checks: 'off' without a relay, else whether it answers now. */
	relayHealth(): Promise<'off' | 'ok' | 'down'>;
	/**
	 * Tells everyone with the MOU open (on every instance) that `topic` changed, so their pages
	 * reload that data; 'status' also makes the document re-read whether it may still change
	 * (resolves once this instance has). Never rejects.
	 */
	notify(mouId: string, topic: NoticeTopic): Promise<void>;
	/**
	 * Changes the live document as the server, on behalf of `actorId` (decisions on suggestions):
	 * admitted, stored, applied and broadcast like any update. `record` is written in the same
	 * transaction as the change (one unit: both or neither). Throws DocumentFrozen when the MOU is
	 * agreed, ChangeRefused when the change would break a document rule. `decides`: the suggestion
	 * ids a decision closes (no new mark may use them).
	 */
	applyServerChange<T>(
		mouId: string,
		actorId: string,
		change: (doc: Y.Doc) => T,
		record?: ServerChangeRecord<T>,
		options?: Pick<ServerChangeOptions<T>, 'decides'>
	): Promise<T>;
	/**
	 * Re-applies the MOU's template to its live document as the server (a new state profile): like
	 * `applyServerChange`, but it may replace locked clauses; once stored with `record`, every
	 * instance reloads the document, so the new locks and term rules hold, and everyone with it
	 * open is closed with 4409 (their pages reload).
	 */
	rewriteTemplate<T>(mouId: string, actorId: string, change: (doc: Y.Doc) => T, record: ServerChangeRecord<T>): Promise<T>;
	/**
	 * A person's role or membership changed: every instance (over the relay) re-checks that
	 * person's open connections with `authorize`. One that may no longer write — or may now — is
	 * closed with 4409 (the editor reloads and reconnects, read-only or writable as they now are);
	 * one that may no longer open the MOU at all is closed with 4401. Resolves once this instance
	 * has re-checked. Never rejects.
	 */
	refreshAccess(userId: string): Promise<void>;
	/**
	 * A page that opens the MOU's editor is on its way (its HTML was just asked for): the
	 * document is loaded now, while the page loads, and kept for `limits.preloadMs` even if nobody
	 * is connected (a reload disconnects the old page before the new one connects).
	 */
	preload(mouId: string): void;
}

/** How long shutdown waits for peers to answer our close frame before dropping them. */
const SHUTDOWN_GRACE_MS = 1_000;

export function createCollabServer(options: CollabServerOptions): CollabServer {
	const limits = { ...DEFAULT_LIMITS, ...options.limits };
	const log: CollabLog = options.log ?? (() => {});
	// Frames up to 4× the limit are read and refused with CloseCode.tooLarge (which tells the client
	// not to retry); beyond that ws cuts them off itself (1009) without buffering them.
	const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * limits.maxMessageBytes, perMessageDeflate: false });
	const rooms = new Map<string, Room>();
	/** Rooms retired after a template change, until their last write is done. */
	const retiring = new Map<string, Promise<void>>();
	const connections = new Set<Connection>();
	const background = new Set<Promise<unknown>>();
	const counters = { updatesAccepted: 0, updatesRefused: 0, remoteUpdates: 0, connectionsRefused: 0, connectionsRateLimited: 0 };
	const acceptedRate = new RateMeter();
	const connectionCounts = new ConnectionCounts(limits);
	const relay = options.relay ?? null;
	let closing: Promise<void> | null = null;

	function track(task: Promise<unknown>): void {
		const settled = task
			.catch((error) => log({ event: 'collab.error', stage: 'background', error: errorMessage(error) }))
			.finally(() => background.delete(settled));
		background.add(settled);
	}

	// The rows' seqs only matter to the relay (other instances' catch-up), so without one none are read back.
	const writer = new UpdateWriter(postgresStatements(options.sql, { seqs: relay !== null }));
	const activity = new ActivityStamps(options.sql, log);
	let compactions: Promise<unknown> = Promise.resolve();
	const roomContext: RoomContext = {
		sql: options.sql,
		store: (mouId, updates) => writer.append(mouId, updates),
		storeWith: (mouId, updates, alsoWrite, decision) =>
			options.sql.begin(async (tx) => {
				// First: two decisions that took key-share locks (their INSERT) before this would deadlock.
				const before = decision ? await lockForDecision(tx, mouId) : null;
				if (before !== null) await decision!(tx, before);
				const seqs = await appendUpdates(tx, mouId, updates);
				await alsoWrite(tx);
				if (before === null) return { seqs };
				return { seqs, counted: [before, await countDecision(tx, mouId)] as [number, number] };
			}),
		documentRules: options.documentRules ?? (async () => NO_DOCUMENT_RULES),
		oneCompactionAtATime(job) {
			const run = compactions.then(job);
			compactions = run.catch(() => {});
			return run;
		},
		limits,
		log,
		counters,
		acceptedRate,
		relay,
		track,
		edited: (mouId) => activity.edited(mouId),
		onEmpty: (room) => track(unloadWhenIdle(room)),
		onFailed: (room) => {
			if (rooms.get(room.mouId) === room) rooms.delete(room.mouId);
			track(room.settled().then(() => room.unload()));
		},
		retire: (room) => {
			if (rooms.get(room.mouId) !== room) return;
			rooms.delete(room.mouId);
			// Everyone reconnects (4409: pages reload) to a room loaded after this one's last write.
			room.closeAll(CloseCode.statusChanged, 'The MOU’s template changed');
			const done: Promise<void> = room
				.settled()
				.then(() => room.unload())
				.finally(() => {
					if (retiring.get(room.mouId) === done) retiring.delete(room.mouId);
				});
			retiring.set(room.mouId, done);
			track(done);
		}
	};

	/** Rooms a page is about to connect to (preload), until when. */
	const expectedUntil = new WeakMap<Room, number>();

	/** Unloads an empty room once its pending writes are stored, unless someone joined meanwhile. */
	async function unloadWhenIdle(room: Room): Promise<void> {
		await room.settled();
		if (!room.isEmpty || rooms.get(room.mouId) !== room) return;
		const wait = (expectedUntil.get(room) ?? 0) - Date.now();
		if (wait > 0) {
			// Not awaited here: shutdown waits for background work, not for this.
			setTimeout(() => track(unloadWhenIdle(room)), wait).unref();
			return;
		}
		rooms.delete(room.mouId);
		room.unload();
		log({ event: 'collab.unloaded', mouId: room.mouId });
	}

	relay?.onMessage((mouId, message) => rooms.get(mouId)?.receiveRelayed(message));
	relay?.onInstanceMessage((message) => track(recheckAccess(message.userId)));

	/** Each open connection's upgrade request, kept to re-run `authorize` when access changes. */
	const requests = new WeakMap<Connection, { req: IncomingMessage; mouId: string }>();

	async function recheckAccess(userId: string): Promise<void> {
		const mine = [...connections].filter((connection) => connection.identity?.userId === userId);
		await Promise.all(mine.map((connection) => recheckConnection(connection)));
	}

	async function recheckConnection(connection: Connection): Promise<void> {
		const request = requests.get(connection);
		const identity = connection.identity;
		if (!request || !identity) return;
		let authorization;
		try {
			authorization = await options.authorize(request.req, request.mouId);
		} catch (error) {
			connection.logEvent('collab.error', { stage: 'reauthorize', error: errorMessage(error) });
			return connection.close(CloseCode.internalError, 'Could not check access');
		}
		if ('refuse' in authorization) {
			connection.logEvent('collab.access_changed', { code: CloseCode.unauthenticated, reason: authorization.reason });
			return connection.close(CloseCode.unauthenticated, 'Your access to this MOU has ended');
		}
		if (authorization.canWrite !== identity.canWrite) {
			connection.logEvent('collab.access_changed', { code: CloseCode.statusChanged, canWrite: authorization.canWrite });
			return connection.close(CloseCode.statusChanged, authorization.canWrite ? 'You may now edit this MOU' : 'You may no longer edit this MOU');
		}
	}
	relay?.onResume(() => {
		for (const room of rooms.values()) room.resume();
	});

	function roomFor(mouId: string): Room {
		let room = rooms.get(mouId);
		if (!room) {
			room = new Room(
				mouId,
				roomContext,
				retiring.get(mouId)?.catch(() => {})
			);
			rooms.set(mouId, room);
		}
		return room;
	}

	async function accept(ws: WebSocket, req: IncomingMessage): Promise<void> {
		const mouId = mouIdFromCollabPath(new URL(req.url ?? '/', 'http://localhost').pathname);
		const connection = new Connection(ws, mouId, limits, log);
		connections.add(connection);
		connection.onEnd((code, reason) => {
			connections.delete(connection);
			if (connection.rateLimited) counters.connectionsRateLimited++;
			connection.logEvent('collab.closed', { code, reason });
		});
		if (closing) return connection.close(CloseCode.goingAway, 'Server shutting down');
		if (!mouId) return connection.close(CloseCode.notFound, 'No such document');

		let authorization;
		try {
			authorization = await options.authorize(req, mouId);
		} catch (error) {
			connection.logEvent('collab.error', { stage: 'authorize', error: errorMessage(error) });
			return connection.close(CloseCode.internalError, 'Could not check access');
		}
		if (!connection.isOpen) return;
		if (closing) return connection.close(CloseCode.goingAway, 'Server shutting down');
		if ('refuse' in authorization) {
			connection.logEvent('collab.refused', { code: authorization.refuse, reason: authorization.reason });
			return connection.close(authorization.refuse, authorization.reason);
		}
		if (!admit(connection, mouId, authorization)) return;
		requests.set(connection, { req, mouId });
		connection.logEvent('collab.connected', { side: authorization.side, canWrite: authorization.canWrite });
		roomFor(mouId).add(connection);
	}

	/** Applies the connection limits; an admitted connection counts until it ends. */
	function admit(connection: Connection, mouId: string, identity: CollabIdentity): boolean {
		const refusal = connectionCounts.refusal(identity.userId, rooms.get(mouId)?.connectionCount ?? 0);
		connection.identity = identity;
		if (refusal) {
			counters.connectionsRefused++;
			connection.logEvent('collab.refused', { code: CloseCode.rateLimited, reason: refusal });
			connection.close(CloseCode.rateLimited, refusal);
			return false;
		}
		connectionCounts.admit(identity.userId);
		connection.onEnd(() => connectionCounts.release(identity.userId));
		return true;
	}

	const heartbeat = setInterval(() => {
		for (const connection of connections) connection.heartbeat();
	}, limits.pingIntervalMs);
	heartbeat.unref();

	return {
		handleUpgrade(req, socket, head) {
			if (closing) {
				socket.destroy();
				return;
			}
			wss.handleUpgrade(req, socket, head, (ws) => track(accept(ws, req)));
		},

		close() {
			closing ??= shutDown();
			return closing;
		},

		stats() {
			return {
				connections: connections.size,
				documents: rooms.size,
				...counters,
				updatesPerSecond: acceptedRate.perSecond(),
				relay: relay ? (relay.ready ? 'ready' : 'down') : 'off'
			};
		},

		async relayHealth() {
			if (!relay) return 'off';
			return (await relay.ping()) ? 'ok' : 'down';
		},

		async notify(mouId, topic) {
			const room = rooms.get(mouId);
			if (room) await room.notice(topic);
			else relay?.publish(mouId, { kind: 'notice', topic });
		},

		async refreshAccess(userId) {
			relay?.publishToAll({ kind: 'access', userId });
			await recheckAccess(userId);
		},

		preload(mouId) {
			if (closing) return;
			const room = roomFor(mouId);
			// An empty room with a deadline already has its one unload chain: only the deadline moves.
			const waiting = room.isEmpty && expectedUntil.has(room);
			expectedUntil.set(room, Date.now() + limits.preloadMs);
			if (room.isEmpty && !waiting) track(unloadWhenIdle(room));
		},

		async applyServerChange(mouId, actorId, change, record, options) {
			if (closing) throw new Error('The server is shutting down; try again.');
			const room = roomFor(mouId);
			try {
				return await room.applyServerChange(actorId, change, record, options);
			} finally {
				if (room.isEmpty) track(unloadWhenIdle(room));
			}
		},

		async rewriteTemplate(mouId, actorId, change, record) {
			if (closing) throw new Error('The server is shutting down; try again.');
			const room = roomFor(mouId);
			try {
				const result = await room.applyServerChange(actorId, change, record, { rewritesTemplate: true });
				await room.notice('template'); // this room and those of other instances retire
				return result;
			} finally {
				if (room.isEmpty) track(unloadWhenIdle(room));
			}
		}
	};

	async function shutDown(): Promise<void> {
		clearInterval(heartbeat);
		for (const connection of [...connections]) connection.close(CloseCode.goingAway, 'Server shutting down');
		// Pending writes finish; then rooms go (empty rooms are unloaded through onEmpty).
		await Promise.all([...rooms.values()].map((room) => room.settled()));
		for (const room of rooms.values()) room.unload();
		rooms.clear();
		while (background.size > 0) await Promise.all([...background]);
		await activity.flush();
		await writer.close();
		await terminateStragglers(wss, SHUTDOWN_GRACE_MS);
		await new Promise<void>((resolve) => wss.close(() => resolve()));
		await relay?.close();
	}
}

/** Sockets whose peer never answered our close frame are dropped after a grace period. */
async function terminateStragglers(wss: WebSocketServer, graceMs: number): Promise<void> {
	const deadline = Date.now() + graceMs;
	while (wss.clients.size > 0 && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	for (const ws of wss.clients) ws.terminate();
}
