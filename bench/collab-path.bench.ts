/**
 * The server's own work per keystroke, in one process and without sockets: a room of this
 * project's collaboration server (the real Room, admission chain, guard, write pipeline,
 * presence and acknowledgement) with one writer and two readers on stand-in websockets, the
 * store answering at once (or after `--store-ms`). What it leaves out — the kernel's socket work,
 * ws framing, PostgreSQL — bench/collab-cpu.ts measures; this is the JavaScript a keystroke costs,
 * steady enough on a busy machine to compare one change of the server against another.
 *
 * Run: npx tsx bench/collab-path.bench.ts [--keystrokes 6000] [--rounds 5] [--store-ms 0] [--pending 0] [--structural]
 *   --pending N: N earlier keystrokes of the writer are still being stored when each arrives (a slow commit).
 *   --structural: each keystroke is an Enter instead (a new paragraph with one character, at the end
 *   of an open clause, the clauses taken in turn): what an update that adds an element costs.
 */
import { EventEmitter } from 'node:events';
import { parseArgs } from 'node:util';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { templateUpdate, editableTexts } from './collab-load-doc';
import { median } from './collab-load-report';
import { freshBenchDatabase, seedMous, seedPeople } from './collab-load-world';
import { Connection } from '../src/lib/server/collab/connection';
import { Room } from '../src/lib/server/collab/room';
import type { RoomContext } from '../src/lib/server/collab/room-context';
import { RateMeter } from '../src/lib/server/collab/limits';
import { DEFAULT_LIMITS, NO_DOCUMENT_RULES } from '../src/lib/server/collab/types';

const { values: args } = parseArgs({
	options: {
		keystrokes: { type: 'string', default: '6000' },
		rounds: { type: 'string', default: '5' },
		'store-ms': { type: 'string', default: '0' },
		pending: { type: 'string', default: '0' },
		structural: { type: 'boolean', default: false }
	}
});
const KEYSTROKES = Number(args.keystrokes);
const STORE_MS = Number(args['store-ms']);
const PENDING = Number(args.pending);

/** A websocket as the server sees it: messages in, frames out (counted, not sent). */
class StandInSocket extends EventEmitter {
	readonly OPEN = 1;
	readyState = 1;
	bufferedAmount = 0;
	sent = 0;
	readonly _socket = { cork() {}, uncork() {} };
	send(): void {
		this.sent++;
	}
	close(): void {
		this.readyState = 3;
	}
	ping(): void {}
	terminate(): void {}
	deliver(message: Uint8Array): void {
		this.emit('message', Buffer.from(message.buffer, message.byteOffset, message.byteLength), true);
	}
}

const bench = await freshBenchDatabase(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test');
const world = await seedPeople(bench.db, 1, 3);
const initial = templateUpdate();
const [mouId] = await seedMous(bench.db, world, 1, initial);
const [writerId, ...readerIds] = await bench.db.sql<{ id: string }[]>`select id from users order by email`;

let seq = 0;
const ctx: RoomContext = {
	sql: bench.db.sql,
	store: async (_mouId, updates) => {
		if (STORE_MS > 0) await new Promise((resolve) => setTimeout(resolve, STORE_MS));
		return updates.map(() => String(++seq));
	},
	storeWith: async () => [],
	documentRules: async () => NO_DOCUMENT_RULES,
	oneCompactionAtATime: (job) => job(),
	limits: { ...DEFAULT_LIMITS, compactAfterUpdates: Number.MAX_SAFE_INTEGER, messagesPerSecond: 1e9, messageBurst: 1e9 },
	log: () => {},
	counters: { updatesAccepted: 0, updatesRefused: 0, remoteUpdates: 0 },
	acceptedRate: new RateMeter(),
	relay: null,
	track: () => {},
	edited: () => {},
	onEmpty: () => {},
	onFailed: () => {}
};

const room = new Room(mouId, ctx);
await room.loaded;
const sockets = [new StandInSocket(), new StandInSocket(), new StandInSocket()];
const identities = [writerId, ...readerIds].map((user, i) => ({
	userId: user.id,
	name: `Bench Counsel ${i}`,
	organizationId: '',
	side: (i === 0 ? 'agency' : 'district') as 'agency' | 'district',
	canWrite: i === 0
}));
for (const [i, socket] of sockets.entries()) {
	const connection = new Connection(socket as unknown as WebSocket, mouId, ctx.limits, () => {});
	connection.identity = identities[i];
	room.add(connection);
}

// The writer's keystrokes and cursor moves, made in advance on a real Y.Doc.
const doc = new Y.Doc({ gc: false });
Y.applyUpdate(doc, initial);
const texts = editableTexts(doc);
const text = texts[texts.length - 1];
const messages: Uint8Array[][] = [];
let captured: Uint8Array | null = null;
doc.on('update', (update: Uint8Array) => (captured = update));
const total = KEYSTROKES * (Number(args.rounds) + 1);
const openClauses = [...new Set(texts.map((each) => each.parent!.parent as Y.XmlElement))];
for (let i = 0; i < total; i++) {
	doc.transact(() => (args.structural ? enter(openClauses[i % openClauses.length], 'abcdefghij'[i % 10]) : text.insert(text.length, 'abcdefghij'[i % 10])));
	messages.push([syncUpdate(captured!), awareness(doc.clientID, i + 1, { user: { name: 'writer', color: '#264' }, cursor: { anchor: i, head: i } })]);
}

const perKeystroke: number[] = [];
let next = 0;
for (let round = 0; round <= Number(args.rounds); round++) {
	const start = process.cpuUsage();
	const sentBefore = sockets.reduce((sum, socket) => sum + socket.sent, 0);
	for (let i = 0; i < KEYSTROKES; i++) {
		for (const message of messages[next++]) sockets[0].deliver(message);
		// Every PENDING+1 keystrokes the queue empties (a commit lands); otherwise after each.
		if (PENDING === 0 || next % (PENDING + 1) === 0) await room.settled();
		if (i % 64 === 0) await new Promise((resolve) => setImmediate(resolve)); // timers (presence) get their turn
	}
	await room.settled();
	const used = process.cpuUsage(start);
	const frames = sockets.reduce((sum, socket) => sum + socket.sent, 0) - sentBefore;
	if (round === 0) continue; // warm-up
	perKeystroke.push((used.user + used.system) / KEYSTROKES);
	console.log(`round ${round}: ${perKeystroke.at(-1)!.toFixed(1)} µs per keystroke, ${(frames / KEYSTROKES).toFixed(2)} frames out per keystroke`);
}
console.log(
	`server JavaScript per ${args.structural ? 'Enter' : 'keystroke'} (median of ${perKeystroke.length}): ${median(perKeystroke).toFixed(1)} µs` +
		`${PENDING ? ` with ${PENDING} keystrokes still being stored` : ''}${STORE_MS ? `, store answering in ${STORE_MS} ms` : ''}`
);
room.unload();
await bench.drop();
process.exit(0);

function enter(clause: Y.XmlElement, character: string): void {
	const paragraph = new Y.XmlElement('paragraph');
	paragraph.insert(0, [new Y.XmlText(character)]);
	clause.insert(clause.length, [paragraph]);
}

function syncUpdate(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, 2);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

function awareness(client: number, clock: number, state: unknown): Uint8Array {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, 1);
	encoding.writeVarUint(update, client);
	encoding.writeVarUint(update, clock);
	encoding.writeVarString(update, JSON.stringify(state));
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 1);
	encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update));
	return encoding.toUint8Array(encoder);
}
