import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { RoomPeers, type PeerHost } from '$lib/server/collab/room-peers';
import { decodeRelayMessage, encodeRelayMessage, type CollabRelay, type RelayMessage } from '$lib/server/collab/relay';
import type { RoomContext } from '$lib/server/collab/room-context';
import type { NoticeTopic } from '$lib/collab/protocol';

function world() {
	let state: 'loading' | 'ready' | 'gone' = 'loading';
	const noticed: NoticeTopic[] = [];
	const published: RelayMessage[] = [];
	/** What the room was told, in order: ids closed, text applied, count taken in. */
	const events: string[] = [];
	const doc = new Y.Doc();
	doc.on('update', () => events.push('applied'));
	const host: PeerHost = {
		mouId: 'mou-1',
		doc,
		awareness: new Awareness(doc),
		broadcast: () => {},
		notice: async (topic) => void noticed.push(topic),
		state: () => state,
		localPresence: () => [],
		closeDecided: (ids) => void events.push(`closed ${ids.join(',')}`),
		decidedElsewhere: (count) => void events.push(`count ${count}`)
	};
	const relay = {
		instanceId: 'a',
		join: async () => {},
		leave: () => {},
		publish: (_id: string, m: RelayMessage) => void published.push(m)
	} as unknown as CollabRelay;
	const ctx = { sql: {}, limits: { catchUpIntervalMs: 60_000 }, counters: { remoteUpdates: 0 }, track: () => {}, log: () => {} } as unknown as RoomContext;
	const peers = new RoomPeers(ctx, relay, host);
	return { peers, noticed, events, ready: () => (state = 'ready') };
}

describe('a room loading while another instance changes the MOU', () => {
	it('acts on the notice once loaded: a template change relayed during the load retires the room that read the old state', () => {
		const { peers, noticed, ready } = world();
		peers.receive({ kind: 'notice', topic: 'template' });
		expect(noticed).toEqual([]);
		ready();
		peers.ready('0');
		expect(noticed).toEqual(['template']);
		peers.stop();
	});
});

/** An update of client 7 (`clock` structs before it, when it builds on them). */
function textUpdate(text: string, before = ''): Uint8Array {
	const doc = new Y.Doc();
	doc.clientID = 7;
	doc.getText('t').insert(0, before);
	const state = Y.encodeStateVector(doc);
	doc.getText('t').insert(before.length, text);
	return Y.encodeStateAsUpdate(doc, state);
}

describe('a decision relayed with its update', () => {
	it('travels with the count it made and the ids it closed (and an update without one reads as before)', () => {
		const update = textUpdate('x');
		const decided: RelayMessage = { kind: 'update', seqs: ['5'], update, decision: { count: 3, ids: ['s1', 's2'] } };
		expect(decodeRelayMessage(encodeRelayMessage('b', decided)).message).toEqual(decided);
		expect(decodeRelayMessage(encodeRelayMessage('b', { kind: 'update', seqs: ['6'], update })).message).toEqual({ kind: 'update', seqs: ['6'], update });
	});

	it('closes the ids before the update is applied, and gives the count once the update is wholly in', () => {
		const { peers, events, ready } = world();
		peers.receive({ kind: 'update', seqs: ['1'], update: textUpdate('ab'), decision: { count: 1, ids: ['s1'] } }); // while loading: kept
		ready();
		peers.ready('0');
		peers.receive({ kind: 'update', seqs: ['3'], update: textUpdate('d', 'abc'), decision: { count: 2, ids: ['s2'] } }); // row 2 never arrived
		expect(events).toEqual(['closed s1', 'applied', 'count 1', 'closed s2']);
		peers.stop();
	});
});
