import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { liveEditing } from '../helpers/live-editing';
import { counselOfEachParty, createMouBetween, type Person } from '../helpers/fixtures';
import { connectYjsClient, waitFor, within, type YjsClient } from '../helpers/yjs-client';
import { waitFor as waitUntil } from '../helpers/wait';
import { startCollabHttp } from '../helpers/collab-http';
import { storedDoc, suggestionMark } from '../helpers/stored-edits';
import { firstText, plain } from '../helpers/mou-doc';
import { createRedisRelay, type CollabRelay } from '../../src/lib/server/collab';
import type { RelayMessage } from '../../src/lib/server/collab/relay';
import { decideSuggestions, openSuggestions } from '../../src/lib/server/redlines';
import { seenEntries } from '../../src/lib/document';

// Two instances share a room through Redis and the PostgreSQL log. The author, on instance A,
// types inside their own pending suggestion (the keystroke inherits its mark: no format item of
// its own) just as the other party's counsel, on instance B, accepts it. B has not received the
// keystroke (it is held on its way through the relay), so B's copy matches what the decider saw.
// Whichever commits first, nothing ends up accepted that the decider never saw: a keystroke stored
// before the decision makes the decision refused (B catches up with the log under the MOU's lock);
// one A stores after it (A did not know) is refused by the database, A's room goes, and the
// author's editor, reconnecting, sends it again: kept as late typing, a new open suggestion.
// Real PostgreSQL, real Redis, bare Yjs clients over real websockets.

const CLAUSE = 'purpose.mission';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const PREFIX = `test:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`;
const ONE_CONNECTION = !process.env.DATABASE_URL || process.env.TEST_DB === 'pglite';
const CHANGED = 'The agency changed this suggestion while you were deciding; look at it again.';

type Server = Awaited<ReturnType<typeof startCollabHttp>>;
interface Instance {
	server: Server;
	/** Keeps what this instance publishes (updates, notices; with `only`, those it picks) from the others until `release`. */
	hold(only?: (message: RelayMessage) => boolean): void;
	release(): void;
}

let agency: Person;
let district: Person;
// The database and both parties' counsel (its own server, without a relay, is not used here).
const live = liveEditing(async (sql) => ({ agency, district } = await counselOfEachParty(sql)));
const db = {
	get sql() {
		return live.sql;
	}
};
const instances: Instance[] = [];
const open: YjsClient[] = [];

afterEach(async () => {
	for (const client of open.splice(0)) client.close();
	for (const { server, release } of instances.splice(0)) {
		release();
		await server.close();
	}
});

/** A relay whose outgoing messages can be held back (the network between instances, slow). */
function holdable(relay: CollabRelay) {
	let held: Array<[string, RelayMessage]> | null = null;
	let holds: (message: RelayMessage) => boolean = () => true;
	const wrapped: CollabRelay = {
		get instanceId() {
			return relay.instanceId;
		},
		join: (mouId) => relay.join(mouId),
		leave: (mouId) => relay.leave(mouId),
		publish: (mouId, message) => (held && holds(message) ? void held.push([mouId, message]) : relay.publish(mouId, message)),
		onMessage: (listener) => relay.onMessage(listener),
		publishToAll: (message) => relay.publishToAll(message),
		onInstanceMessage: (listener) => relay.onInstanceMessage(listener),
		onResume: (listener) => relay.onResume(listener),
		get ready() {
			return relay.ready;
		},
		ping: () => relay.ping(),
		close: () => relay.close()
	};
	return {
		relay: wrapped,
		hold: (only?: (message: RelayMessage) => boolean) => {
			held ??= [];
			holds = only ?? (() => true);
		},
		release: () => {
			const messages = held ?? [];
			held = null;
			for (const [mouId, message] of messages) relay.publish(mouId, message);
		}
	};
}

async function startInstance(): Promise<Instance> {
	const redis = createRedisRelay({ url: REDIS_URL, prefix: PREFIX });
	await waitFor(() => redis.ready, 'relay connected');
	const { relay, hold, release } = holdable(redis);
	const instance = { server: await startCollabHttp(db.sql, relay), hold, release };
	instances.push(instance);
	return instance;
}

function connect(instance: Instance, person: Person, mouId: string, doc?: Y.Doc): YjsClient {
	const client = connectYjsClient(instance.server.url(mouId), person.cookie, doc);
	open.push(client);
	return client;
}

async function connected(instance: Instance, person: Person, mouId: string, doc?: Y.Doc): Promise<YjsClient> {
	const client = connect(instance, person, mouId, doc);
	await within(client.synced, 'client synced');
	return client;
}

type Delta = Array<{ insert: unknown; attributes?: { insertion?: { id: string } } }>;
const delta = (doc: Y.Doc) => firstText(doc, CLAUSE).toDelta() as Delta;
/** The clause's text that is agreed (under no insertion mark). */
const agreed = (doc: Y.Doc) =>
	delta(doc)
		.filter((op) => !op.attributes?.insertion && typeof op.insert === 'string')
		.map((op) => op.insert)
		.join('');
const hasText = (doc: Y.Doc, text: string) => JSON.stringify(delta(doc)).includes(text);

/**
 * Instance A with the agency's counsel, instance B with the district's; the agency suggests
 * "Monthly " and both editors have it.
 */
async function suggestedOnTwoInstances() {
	const a = await startInstance();
	const b = await startInstance();
	const mouId = await createMouBetween(db.sql, agency, district);
	const author = await connected(a, agency, mouId);
	const decider = await connected(b, district, mouId);
	const mark = suggestionMark(agency, 'agency', `race-${Math.random().toString(36).slice(2, 8)}`);
	author.edit((doc) => firstText(doc, CLAUSE).insert(0, 'Monthly ', { insertion: mark }));
	await within(author.allStored(), 'suggested');
	await waitFor(() => hasText(decider.doc, 'Monthly '), 'the district sees the suggestion');
	const before = agreed(decider.doc);
	return { a, b, mouId, author, decider, mark, before };
}

/** The author types on inside their own run: the keystroke carries the same mark, so it has no format item. */
function typeInside(author: YjsClient, mark: ReturnType<typeof suggestionMark>): Uint8Array {
	const update = author.edit((doc) => firstText(doc, CLAUSE).insert(3, 'Zqx', { insertion: mark }));
	expect(Y.decodeUpdate(update).structs.some((struct) => struct instanceof Y.Item && struct.content instanceof Y.ContentFormat)).toBe(false);
	return update;
}

/** Until a statement of this database waits for a lock (the decision, at the MOU's row). */
async function lockWaited(): Promise<void> {
	for (let tries = 0; tries < 500; tries++) {
		const [{ waiting }] = await db.sql<{ waiting: number }[]>`
			select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
		if (waiting > 0) return;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error('timed out waiting for: the decision waits at its lock');
}

const accept = (b: Instance, mouId: string, id: string, seen: string[]) =>
	decideSuggestions({ sql: db.sql, collab: b.server.collab }, district.user, mouId, { suggestionIds: [id], decision: 'accept', seen });

describe('a decision on one instance while the author types inside the suggestion on another', () => {
	it('is refused when the keystroke was stored first but had not reached the decider’s instance', async () => {
		const { a, b, mouId, author, decider, mark, before } = await suggestedOnTwoInstances();
		a.hold(); // A stores the keystroke; B does not hear of it
		typeInside(author, mark);
		await within(author.allStored(), 'the keystroke stored on A');
		await decider.roundTrip();
		expect(hasText(decider.doc, 'Zqx')).toBe(false); // the decider never saw it
		const seen = seenEntries(decider.doc, [mark.id]);

		expect(await accept(b, mouId, mark.id, seen)).toEqual({ ok: false, errors: { form: CHANGED } });
		const stored = await storedDoc(db.sql, mouId);
		expect(agreed(stored)).toBe(before);
		expect(openSuggestions(stored).find((s) => s.id === mark.id)).toMatchObject({ excerpt: 'MonZqxthly ' });
		// B caught up under the decision's lock: the decider's editor has the keystroke now.
		await waitFor(() => hasText(decider.doc, 'Zqx'), 'the decider sees the keystroke');
		a.release();

		// Decided again on what is shown now, it goes through, keystroke included.
		expect(await accept(b, mouId, mark.id, seenEntries(decider.doc, [mark.id]))).toEqual({ ok: true, value: { decided: 1 } });
		await waitFor(() => agreed(author.doc).startsWith('MonZqxthly '), 'the author’s editor has the decision');
		expect(author.isOpen()).toBe(true);
	});

	// Needs a second connection to hold the row with: the embedded PGlite has one.
	it.skipIf(ONE_CONNECTION)('is refused when the keystroke reached the decider’s instance after the decision was made but before it was stored', async () => {
		const { a, b, mouId, author, decider, mark, before } = await suggestedOnTwoInstances();
		void a;
		// Something else holds the MOU's row (as a slow transaction would): the decision waits at its lock; typing does not.
		let release!: () => void;
		const released = new Promise<void>((resolve) => (release = resolve));
		let holding!: () => void;
		const held = new Promise<void>((resolve) => (holding = resolve));
		const holder = db.sql.begin(async (tx) => {
			await tx`select 1 from mous where id = ${mouId} for no key update`;
			holding();
			await released;
		});
		await held;
		const decision = accept(b, mouId, mark.id, seenEntries(decider.doc, [mark.id]));
		await lockWaited();
		typeInside(author, mark);
		await within(author.allStored(), 'the keystroke stored on A while the decision waits');
		await waitFor(() => hasText(decider.doc, 'Zqx'), 'B has the keystroke, relayed');
		release();
		await holder;

		expect(await decision).toEqual({ ok: false, errors: { form: CHANGED } });
		const stored = await storedDoc(db.sql, mouId);
		expect(agreed(stored)).toBe(before);
		expect(openSuggestions(stored).find((s) => s.id === mark.id)).toMatchObject({ excerpt: 'MonZqxthly ' });
	});

	it('refuses the keystroke its instance stores after the decision it had not heard of; re-sent, it is a new open suggestion', async () => {
		const { b, a, mouId, author, decider, mark, before } = await suggestedOnTwoInstances();
		const colleague = await connected(a, district, mouId); // on A as well, not typing
		b.hold(); // B stores the decision; A does not hear of it
		expect(await accept(b, mouId, mark.id, seenEntries(decider.doc, [mark.id]))).toEqual({ ok: true, value: { decided: 1 } });
		expect(hasText(author.doc, `"id":"${mark.id}"`)).toBe(true); // the author's editor still shows the suggestion

		typeInside(author, mark);
		const closed = await within(author.closed, 'the author’s editor disconnected by A');
		expect(closed.code).toBe(1011);
		const stored = await storedDoc(db.sql, mouId);
		expect(hasText(stored, 'Zqx')).toBe(false);
		expect(agreed(stored)).toBe(`Monthly ${before}`);
		// A took the decision in (and told its pages); nobody who was not typing was disconnected.
		await waitFor(() => colleague.notices.includes('history'), 'A learned of the decision');
		await waitFor(() => agreed(colleague.doc) === `Monthly ${before}`, 'A shows the decision');
		expect(hasText(colleague.doc, 'Zqx')).toBe(false);
		expect(colleague.isOpen()).toBe(true);
		b.release();

		// The editor reconnects (as y-websocket does) and sends what was not stored.
		const again = await connected(a, agency, mouId, author.doc);
		await within(again.allStored(), 'the keystroke stored on reconnecting');
		const after = await storedDoc(db.sql, mouId);
		expect(agreed(after)).toBe(`Monthly ${before}`);
		expect(plain(firstText(after, CLAUSE))).toBe(`MonZqxthly ${before}`);
		const late = openSuggestions(after).find((s) => s.excerpt === 'Zqx');
		expect(late).toMatchObject({ party: 'agency', authorId: agency.user.id, kind: 'insertion' });
		expect(late!.id).not.toBe(mark.id);
		await waitFor(() => hasText(decider.doc, 'Zqx') && hasText(colleague.doc, 'Zqx'), 'both instances show it, as a suggestion');
		expect(agreed(decider.doc)).not.toContain('Zqx');
		expect(colleague.isOpen()).toBe(true);
	});

	it('keeps both editors connected when each instance hears of the other’s changes: decisions on B, typing on A between them', async () => {
		const { b, mouId, author, decider, mark, before } = await suggestedOnTwoInstances();
		const heard = () => author.notices.filter((topic) => topic === 'history').length;
		let decisions = heard();
		for (const word of ['Weekly ', 'Daily ']) {
			const next = suggestionMark(agency, 'agency', `${mark.id}-${word.trim()}`);
			author.edit((doc) => firstText(doc, CLAUSE).insert(0, word, { insertion: next }));
			await within(author.allStored(), 'typed on A');
			await waitFor(() => hasText(decider.doc, word), 'B has it');
			expect(await accept(b, mouId, next.id, seenEntries(decider.doc, [next.id]))).toEqual({ ok: true, value: { decided: 1 } });
			await waitFor(() => heard() > decisions, 'A heard of the decision');
			decisions = heard();
		}
		await waitFor(() => agreed(author.doc) === `Daily Weekly ${before}`, 'the author’s editor has both decisions');
		author.edit((doc) => firstText(doc, CLAUSE).insert(0, 'Later ', { insertion: mark }));
		await within(author.allStored(), 'typed on A after both');
		expect(author.isOpen() && decider.isOpen()).toBe(true);
		expect(agreed(await storedDoc(db.sql, mouId))).toBe(`Daily Weekly ${before}`);
	});

	it('keeps the author connected when A has the decision relayed before their stale keystroke: it is a new open suggestion', async () => {
		const { a, b, mouId, author, decider, mark, before } = await suggestedOnTwoInstances();
		const colleague = await connected(a, district, mouId); // on A as well
		// The author's editor as it stands before the decision (their keystroke is typed there, not yet shown the decision).
		const stale = new Y.Doc({ gc: false });
		Y.applyUpdate(stale, Y.encodeStateAsUpdate(author.doc));
		stale.clientID = author.doc.clientID;
		b.hold((message) => message.kind === 'notice'); // A hears of the decision only through its update
		expect(await accept(b, mouId, mark.id, seenEntries(decider.doc, [mark.id]))).toEqual({ ok: true, value: { decided: 1 } });
		await waitFor(() => agreed(colleague.doc) === `Monthly ${before}`, 'A applied the relayed decision');

		let keystroke!: Uint8Array;
		stale.on('update', (update: Uint8Array) => (keystroke = update));
		firstText(stale, CLAUSE).insert(3, 'Zqx', { insertion: mark });
		author.sendUpdate(keystroke);
		await waitUntil(async () => hasText(await storedDoc(db.sql, mouId), 'Zqx'), 'the keystroke stored');
		await author.roundTrip();
		expect(author.isOpen()).toBe(true);
		const stored = await storedDoc(db.sql, mouId);
		expect(agreed(stored)).toBe(`Monthly ${before}`);
		const late = openSuggestions(stored).find((s) => s.excerpt === 'Zqx');
		expect(late).toMatchObject({ party: 'agency', authorId: agency.user.id, kind: 'insertion' });
		expect(late!.id).not.toBe(mark.id);
		b.release();
	});
});
