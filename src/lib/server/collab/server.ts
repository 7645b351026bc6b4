import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, mouIdFromCollabPath } from '../../collab/protocol';
import { Connection, errorMessage } from './connection';
import { Room, type RoomContext } from './room';
import { DEFAULT_LIMITS, type CollabLog, type CollabServerOptions, type CollabStats } from './types';

export interface CollabServer {
	/** Hand an HTTP upgrade for /collab/<mouId> to the collaboration server. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
	/** Closes every connection (1001), waits for pending writes and background work. */
	close(): Promise<void>;
	stats(): CollabStats;
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
	const connections = new Set<Connection>();
	const background = new Set<Promise<unknown>>();
	const counters = { updatesAccepted: 0, updatesRefused: 0 };
	let closing: Promise<void> | null = null;

	function track(task: Promise<unknown>): void {
		const settled = task
			.catch((error) => log({ event: 'collab.error', stage: 'background', error: errorMessage(error) }))
			.finally(() => background.delete(settled));
		background.add(settled);
	}

	const roomContext: RoomContext = {
		sql: options.sql,
		limits,
		log,
		counters,
		track,
		onEmpty: (room) => track(unloadWhenIdle(room)),
		onFailed: (room) => {
			if (rooms.get(room.mouId) === room) rooms.delete(room.mouId);
			track(room.settled().then(() => room.unload()));
		}
	};

	/** Unloads an empty room once its pending writes are stored, unless someone joined meanwhile. */
	async function unloadWhenIdle(room: Room): Promise<void> {
		await room.settled();
		if (!room.isEmpty || rooms.get(room.mouId) !== room) return;
		rooms.delete(room.mouId);
		room.unload();
		log({ event: 'collab.unloaded', mouId: room.mouId });
	}

	function roomFor(mouId: string): Room {
		let room = rooms.get(mouId);
		if (!room) {
			room = new Room(mouId, roomContext);
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
		connection.identity = authorization;
		connection.logEvent('collab.connected', { side: authorization.side, canWrite: authorization.canWrite });
		roomFor(mouId).add(connection);
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
			return { connections: connections.size, documents: rooms.size, ...counters };
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
		await terminateStragglers(wss, SHUTDOWN_GRACE_MS);
		await new Promise<void>((resolve) => wss.close(() => resolve()));
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
