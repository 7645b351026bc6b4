/**
 * The baseline for bench/collab-load.ts: a plain y-websocket server with the y-protocols
 * reference logic of y-websocket 1.x's bin/utils.js (one shared Y.Doc per path, sync + awareness,
 * broadcast of every update to every connection, ping every 30 s) and nothing else: no
 * authentication, no validation, no persistence, documents kept in memory (GC on, as there).
 * Run as a child of the benchmark, which asks it for its CPU time and memory over IPC.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { answerMeasurements } from './collab-load-measure';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const PING_INTERVAL_MS = 30_000;

class SharedDoc extends Y.Doc {
	/** Each connection → the awareness client ids it controls. */
	readonly conns = new Map<WebSocket, Set<number>>();
	readonly awareness = new awarenessProtocol.Awareness(this);

	constructor() {
		super({ gc: true });
		this.awareness.setLocalState(null);
		this.awareness.on('update', ({ added, updated, removed }: AwarenessChanges, origin: unknown) => {
			const controlled = this.conns.get(origin as WebSocket);
			if (controlled) {
				for (const id of added) controlled.add(id);
				for (const id of removed) controlled.delete(id);
			}
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
			encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...added, ...updated, ...removed]));
			const message = encoding.toUint8Array(encoder);
			for (const conn of this.conns.keys()) send(this, conn, message);
		});
		this.on('update', (update: Uint8Array) => {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			syncProtocol.writeUpdate(encoder, update);
			const message = encoding.toUint8Array(encoder);
			for (const conn of this.conns.keys()) send(this, conn, message);
		});
	}
}

interface AwarenessChanges {
	added: number[];
	updated: number[];
	removed: number[];
}

const docs = new Map<string, SharedDoc>();

function getDoc(name: string): SharedDoc {
	let doc = docs.get(name);
	if (!doc) {
		doc = new SharedDoc();
		docs.set(name, doc);
	}
	return doc;
}

function onMessage(conn: WebSocket, doc: SharedDoc, message: Uint8Array): void {
	const encoder = encoding.createEncoder();
	const decoder = decoding.createDecoder(message);
	switch (decoding.readVarUint(decoder)) {
		case MESSAGE_SYNC:
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			syncProtocol.readSyncMessage(decoder, encoder, doc, null);
			if (encoding.length(encoder) > 1) send(doc, conn, encoding.toUint8Array(encoder));
			break;
		case MESSAGE_AWARENESS:
			awarenessProtocol.applyAwarenessUpdate(doc.awareness, decoding.readVarUint8Array(decoder), conn);
			break;
	}
}

function closeConn(doc: SharedDoc, conn: WebSocket): void {
	const controlled = doc.conns.get(conn);
	if (controlled) {
		doc.conns.delete(conn);
		awarenessProtocol.removeAwarenessStates(doc.awareness, [...controlled], null);
	}
	conn.close();
}

function send(doc: SharedDoc, conn: WebSocket, message: Uint8Array): void {
	if (conn.readyState !== conn.CONNECTING && conn.readyState !== conn.OPEN) closeConn(doc, conn);
	try {
		conn.send(message, (error) => {
			if (error) closeConn(doc, conn);
		});
	} catch {
		closeConn(doc, conn);
	}
}

function setupConnection(conn: WebSocket, docName: string): void {
	conn.binaryType = 'arraybuffer';
	const doc = getDoc(docName);
	doc.conns.set(conn, new Set());
	conn.on('message', (data: ArrayBuffer) => onMessage(conn, doc, new Uint8Array(data)));
	let pongReceived = true;
	const ping = setInterval(() => {
		if (!pongReceived) {
			if (doc.conns.has(conn)) closeConn(doc, conn);
			clearInterval(ping);
		} else if (doc.conns.has(conn)) {
			pongReceived = false;
			conn.ping();
		}
	}, PING_INTERVAL_MS);
	conn.on('close', () => {
		closeConn(doc, conn);
		clearInterval(ping);
	});
	conn.on('pong', () => (pongReceived = true));

	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	syncProtocol.writeSyncStep1(encoder, doc);
	send(doc, conn, encoding.toUint8Array(encoder));
	const states = doc.awareness.getStates();
	if (states.size > 0) {
		const awareness = encoding.createEncoder();
		encoding.writeVarUint(awareness, MESSAGE_AWARENESS);
		encoding.writeVarUint8Array(awareness, awarenessProtocol.encodeAwarenessUpdate(doc.awareness, [...states.keys()]));
		send(doc, conn, encoding.toUint8Array(awareness));
	}
}

const wss = new WebSocketServer({ noServer: true });
const http = createServer((_req, res) => res.writeHead(200).end('reference y-websocket server'));
http.on('upgrade', (req, socket, head) => {
	wss.handleUpgrade(req, socket, head, (conn) => setupConnection(conn, (req.url ?? '/').slice(1).split('?')[0]));
});
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
	const address = http.address();
	answerMeasurements(() => ({ documents: docs.size }));
	process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
