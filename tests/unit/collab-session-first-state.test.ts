import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { MESSAGE_SYNC } from '../../src/lib/collab/protocol';
import type { CollabSession as Session } from '../../src/lib/editor/collab-session';

type UpdateHandler = (update: Uint8Array, origin: unknown) => void;

let CollabSession: typeof Session;
beforeAll(async () => {
	// The session builds its websocket address from the page's location; it never connects here.
	vi.stubGlobal('location', { protocol: 'http:', host: 'localhost' });
	vi.stubGlobal('WebSocket', class {});
	({ CollabSession } = await import('../../src/lib/editor/collab-session'));
});
afterEach(() => vi.restoreAllMocks());

/** The server's document: a body and a term, as a stored draft has them. */
function serverDoc() {
	const doc = new Y.Doc();
	doc.getXmlFragment('body').insert(0, [new Y.XmlText('Stored clause text')]);
	doc.getMap<string>('terms').set('agency_name', 'Springfield Police Department');
	return doc;
}

/** A session whose "send an update" handler is a spy (y-websocket registers it on the doc). */
function session() {
	const s = new CollabSession('mou-1', { onChange() {}, onClosed() {} });
	const provider = s.provider as unknown as { _updateHandler: UpdateHandler };
	s.doc.off('update', provider._updateHandler);
	const sent = vi.fn<UpdateHandler>();
	provider._updateHandler = sent;
	s.doc.on('update', sent);
	return { s, sent };
}

/** Hands the session a sync message from the server; returns what it answers. */
function receive(s: Session, write: (encoder: encoding.Encoder) => void): Uint8Array {
	const message = encoding.createEncoder();
	encoding.writeVarUint(message, MESSAGE_SYNC);
	write(message);
	const decoder = decoding.createDecoder(encoding.toUint8Array(message));
	decoding.readVarUint(decoder);
	const reply = encoding.createEncoder();
	s.provider.messageHandlers[MESSAGE_SYNC](reply, decoder, s.provider, true, MESSAGE_SYNC);
	return encoding.toUint8Array(reply);
}

describe('CollabSession: the first whole document from the server', () => {
	it('is applied without being handed back to the update handler, which listens again afterwards', () => {
		const server = serverDoc();
		const { s, sent } = session();
		receive(s, (e) => syncProtocol.writeSyncStep2(e, server, Y.encodeStateVector(s.doc)));

		expect(s.doc.getXmlFragment('body').toString()).toBe('Stored clause text');
		expect(s.snapshot()).toMatchObject({ loaded: true, unsaved: false });
		expect(sent).not.toHaveBeenCalled();

		s.terms.set('agency_name', 'Springfield PD'); // typing afterwards is sent as always
		expect(sent).toHaveBeenCalledTimes(1);
		s.destroy();
	});

	it('sends back what this client wrote while it was applied, and only that', () => {
		const server = serverDoc();
		const { s, sent } = session();
		// Something reacting to the arriving terms by writing one of its own.
		s.terms.observe(() => {
			if (!s.terms.has('district_name')) s.terms.set('district_name', 'Springfield USD');
		});
		const reply = receive(s, (e) => syncProtocol.writeSyncStep2(e, server, Y.encodeStateVector(s.doc)));

		expect(sent).not.toHaveBeenCalled();
		const decoder = decoding.createDecoder(reply);
		expect(decoding.readVarUint(decoder)).toBe(MESSAGE_SYNC);
		expect(decoding.readVarUint(decoder)).toBe(syncProtocol.messageYjsSyncStep2);
		const update = decoding.readVarUint8Array(decoder);
		expect(Y.decodeUpdate(update).structs.every((struct) => struct.id.client === s.doc.clientID)).toBe(true);
		Y.applyUpdate(server, update);
		expect(server.getMap('terms').get('district_name')).toBe('Springfield USD');
		s.destroy();
	});

	it('leaves later sync messages to y-websocket as they are', () => {
		const server = serverDoc();
		const { s, sent } = session();
		receive(s, (e) => syncProtocol.writeSyncStep2(e, server, Y.encodeStateVector(s.doc)));
		const before = Y.encodeStateVector(server);
		server.getMap<string>('terms').set('term_years', '3');
		s.terms.observe(() => {});
		receive(s, (e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(server, before)));

		expect(s.terms.get('term_years')).toBe('3');
		expect(sent).toHaveBeenCalledTimes(1); // y-websocket's handler sees it (and ignores its own origin)
		s.destroy();
	});
});
