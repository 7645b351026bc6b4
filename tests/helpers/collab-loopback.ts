import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { createCollabServer, type CollabServer, type CollabServerOptions } from '../../src/lib/server/collab';
import { MESSAGE_PERSISTED, readPersisted } from '../../src/lib/collab/protocol';
import { waitFor } from './wait';

/** A collaboration server behind a real HTTP server on a loopback port. */
export interface LoopbackCollab {
	collab: CollabServer;
	http: Server;
	port: number;
	/** What the server (and the options' own `log`) logged, in order. */
	events: Record<string, unknown>[];
	/** The y-websocket server address; a document is at `${base}/${mouId}`. */
	base: string;
	/** Dies on the spot: sockets dropped without a closing handshake, no new connections. */
	kill(): void;
	/** Closes the server and then the port; a second call waits for the first. */
	stop(): Promise<void>;
}

/** Starts `createCollabServer(options)` on a free loopback port, its log kept in `events`. */
export async function serveCollab(options: CollabServerOptions, events: Record<string, unknown>[] = []): Promise<LoopbackCollab> {
	const collab = createCollabServer({
		...options,
		log: (event) => {
			events.push(event);
			options.log?.(event);
		}
	});
	const http = createServer((_req, res) => res.writeHead(404).end());
	const sockets = new Set<Socket>();
	http.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	http.on('upgrade', (req, socket, head) => collab.handleUpgrade(req, socket, head));
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const { port } = http.address() as AddressInfo;
	let closing: Promise<void> | null = null;
	let stopping: Promise<void> | null = null;
	return {
		collab,
		http,
		port,
		events,
		base: `ws://127.0.0.1:${port}/collab`,
		kill() {
			http.close();
			for (const socket of sockets) socket.destroy();
			closing ??= collab.close();
		},
		stop() {
			stopping ??= (async () => {
				closing ??= collab.close();
				await closing;
				await new Promise((resolve) => http.close(resolve));
			})();
			return stopping;
		}
	};
}

/** A browser's y-websocket provider on a Y.Doc, with what the server said to it. */
export interface ProviderClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	/** Client id → clock the server reported as stored. */
	persisted: Map<number, number>;
	closes: { code: number; reason: string }[];
}

/** Connects a provider to `base` for an MOU, authorized by `?token=` (none: anonymous). */
export function connectProvider(base: string, mouId: string, token: string | null, options: { maxBackoffTime?: number } = {}): ProviderClient {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(base, mouId, doc, {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		params: token ? { token } : {},
		disableBc: true, // same process: BroadcastChannel would sync clients behind the server's back
		...options
	});
	const client: ProviderClient = { doc, provider, persisted: new Map(), closes: [] };
	provider.messageHandlers[MESSAGE_PERSISTED] = (_encoder, decoder) => {
		for (const [id, clock] of readPersisted(decoder)) client.persisted.set(id, clock);
	};
	provider.on('connection-close', (event) => {
		if (event) client.closes.push({ code: event.code, reason: event.reason });
	});
	return client;
}

export async function synced<T extends { provider: WebsocketProvider }>(client: T): Promise<T> {
	await waitFor(() => client.provider.synced, 'client synced');
	return client;
}

/** Everything this client wrote is reported stored by the server. */
export function allPersisted(client: ProviderClient): boolean {
	const own = client.doc.clientID;
	return (client.persisted.get(own) ?? 0) >= Y.getState(client.doc.store, own);
}

/**
 * The servers and clients of one test, all closed by `closeAll` (clients first, then servers):
 * call it in afterEach. `base` gives the options every server of the file shares.
 */
export function loopbackPool(base: () => CollabServerOptions) {
	const servers: LoopbackCollab[] = [];
	const clients: ProviderClient[] = [];
	return {
		async start(options: Partial<CollabServerOptions> = {}, events?: Record<string, unknown>[]): Promise<LoopbackCollab> {
			const server = await serveCollab({ ...base(), ...options }, events);
			servers.push(server);
			return server;
		},
		connect(base: string, mouId: string, token: string | null, options: { maxBackoffTime?: number } = {}): ProviderClient {
			const client = connectProvider(base, mouId, token, options);
			clients.push(client);
			return client;
		},
		async closeAll() {
			for (const client of clients.splice(0)) client.provider.destroy();
			for (const server of servers.splice(0)) await server.stop();
		}
	};
}
