/**
 * Awareness (who is here, where their cursor is) as relayed by the server. The server rewrites
 * what it relays so that nobody can speak for another connection's client ids or show up under
 * someone else's name.
 */
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import type { CollabIdentity } from './types';

export interface PresenceEntry {
	clientId: number;
	clock: number;
	/** null removes the client's presence. */
	state: Record<string, unknown> | null;
}

/** Throws on anything that is not a well-formed awareness update. */
export function decodePresence(update: Uint8Array): PresenceEntry[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const entries: PresenceEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const length = decoding.readVarUint(decoder);
		if (decoder.pos + length > decoder.arr.length) throw new Error('awareness state past the end');
		const json: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(decoding.readUint8Array(decoder, length)));
		if (json !== null && !isPlainObject(json)) throw new Error('awareness state is not an object');
		entries.push({ clientId, clock, state: json });
	}
	if (decoding.hasContent(decoder)) throw new Error('trailing bytes after the awareness update');
	return entries;
}

export function encodePresence(entries: PresenceEntry[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const { clientId, clock, state } of entries) {
		encoding.writeVarUint(encoder, clientId);
		encoding.writeVarUint(encoder, clock);
		encoding.writeVarString(encoder, JSON.stringify(state));
	}
	return encoding.toUint8Array(encoder);
}

/** The signed-in person's name and side replace whatever the client claimed in `user`. */
export function stampIdentity(entry: PresenceEntry, identity: CollabIdentity): PresenceEntry {
	if (entry.state === null) return entry;
	const claimed = isPlainObject(entry.state.user) ? entry.state.user : {};
	return { ...entry, state: { ...entry.state, user: { ...claimed, name: identity.name, side: identity.side } } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
