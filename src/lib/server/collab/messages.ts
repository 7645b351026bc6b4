import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC, writeNotice, writePersisted, type NoticeTopic } from '../../collab/protocol';

/** A client → server message of the y-websocket protocol, decoded and bounds-checked. */
export type ClientMessage =
	| { kind: 'syncStep1'; stateVector: Uint8Array }
	| { kind: 'syncStep2'; update: Uint8Array }
	| { kind: 'update'; update: Uint8Array }
	| { kind: 'awareness'; update: Uint8Array }
	| { kind: 'queryAwareness' };

/** The bytes could not be read as a message this server understands. */
export class MalformedMessage extends Error {}

/**
 * Decodes one websocket frame. `data` must own its buffer exactly (lib0 reads views into the
 * underlying ArrayBuffer, so a pooled Buffer would let a lying length prefix read past the frame).
 */
export function decodeClientMessage(data: Uint8Array): ClientMessage {
	try {
		const decoder = decoding.createDecoder(data);
		const message = readMessage(decoder);
		if (decoding.hasContent(decoder)) throw new MalformedMessage('trailing bytes after the message');
		return message;
	} catch (error) {
		if (error instanceof MalformedMessage) throw error;
		throw new MalformedMessage(error instanceof Error ? error.message : 'undecodable message');
	}
}

function readMessage(decoder: decoding.Decoder): ClientMessage {
	const type = decoding.readVarUint(decoder);
	switch (type) {
		case MESSAGE_SYNC:
			return readSyncMessage(decoder);
		case MESSAGE_AWARENESS:
			return { kind: 'awareness', update: readBytes(decoder) };
		case MESSAGE_QUERY_AWARENESS:
			return { kind: 'queryAwareness' };
		default:
			throw new MalformedMessage(`unknown message type ${type}`);
	}
}

function readSyncMessage(decoder: decoding.Decoder): ClientMessage {
	const step = decoding.readVarUint(decoder);
	switch (step) {
		case syncProtocol.messageYjsSyncStep1: {
			const stateVector = readBytes(decoder);
			Y.decodeStateVector(stateVector); // throws on garbage, before we answer with it
			return { kind: 'syncStep1', stateVector };
		}
		case syncProtocol.messageYjsSyncStep2:
			return { kind: 'syncStep2', update: readBytes(decoder) };
		case syncProtocol.messageYjsUpdate:
			return { kind: 'update', update: readBytes(decoder) };
		default:
			throw new MalformedMessage(`unknown sync message type ${step}`);
	}
}

function readBytes(decoder: decoding.Decoder): Uint8Array {
	const length = decoding.readVarUint(decoder);
	if (decoder.pos + length > decoder.arr.length) throw new MalformedMessage('length prefix past the end');
	return decoding.readUint8Array(decoder, length);
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	syncProtocol.writeSyncStep1(encoder, doc);
	return encoding.toUint8Array(encoder);
}

/** The answer to a client's sync step 1: everything the client lacks. */
export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	syncProtocol.writeSyncStep2(encoder, doc, stateVector);
	return encoding.toUint8Array(encoder);
}

/** A sync step 2 carrying an update already encoded (the whole document, for a client that has nothing). */
export function encodeSyncStep2Of(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/** A sync update message, written straight into a buffer of its size (one per broadcast, so no encoder). */
export function encodeUpdate(update: Uint8Array): Uint8Array {
	const header = [MESSAGE_SYNC, syncProtocol.messageYjsUpdate];
	for (let length = update.length; ; length >>>= 7) {
		if (length < 0x80) {
			header.push(length);
			break;
		}
		header.push((length & 0x7f) | 0x80);
	}
	const message = new Uint8Array(header.length + update.length);
	message.set(header);
	message.set(update, header.length);
	return message;
}

export function encodeAwareness(awarenessUpdate: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
	encoding.writeVarUint8Array(encoder, awarenessUpdate);
	return encoding.toUint8Array(encoder);
}

export function encodePersisted(clocks: ReadonlyMap<number, number>): Uint8Array {
	const encoder = encoding.createEncoder();
	writePersisted(encoder, clocks);
	return encoding.toUint8Array(encoder);
}

export function encodeNotice(topic: NoticeTopic): Uint8Array {
	const encoder = encoding.createEncoder();
	writeNotice(encoder, topic);
	return encoding.toUint8Array(encoder);
}
