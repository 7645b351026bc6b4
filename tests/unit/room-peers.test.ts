import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { RoomPeers, type PeerHost } from '$lib/server/collab/room-peers';
import type { CollabRelay, RelayMessage } from '$lib/server/collab/relay';
import type { RoomContext } from '$lib/server/collab/room-context';
import type { NoticeTopic } from '$lib/collab/protocol';

function world() {
	let state: 'loading' | 'ready' | 'gone' = 'loading';
	const noticed: NoticeTopic[] = [];
	const published: RelayMessage[] = [];
	const doc = new Y.Doc();
	const host: PeerHost = {
		mouId: 'mou-1',
		doc,
		awareness: new Awareness(doc),
		broadcast: () => {},
		notice: async (topic) => void noticed.push(topic),
		state: () => state,
		localPresence: () => []
	};
	const relay = {
		instanceId: 'a',
		join: async () => {},
		leave: () => {},
		publish: (_id: string, m: RelayMessage) => void published.push(m)
	} as unknown as CollabRelay;
	const ctx = { sql: {}, limits: { catchUpIntervalMs: 60_000 }, counters: { remoteUpdates: 0 }, track: () => {}, log: () => {} } as unknown as RoomContext;
	const peers = new RoomPeers(ctx, relay, host);
	return { peers, noticed, ready: () => (state = 'ready') };
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
