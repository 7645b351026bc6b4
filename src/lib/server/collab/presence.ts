/**
 * Awareness (who is here, where their cursor is) as relayed by the server. The server rewrites
 * what it relays so that nobody can speak for another connection's client ids or show up under
 * someone else's name.
 */
import * as decoding from 'lib0/decoding';
import type { Awareness } from 'y-protocols/awareness';
import type { CollabIdentity } from './types';

export interface PresenceEntry {
	clientId: number;
	clock: number;
	/** null removes the client's presence. */
	state: Record<string, unknown> | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

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
		const json: unknown = JSON.parse(utf8.decode(decoding.readUint8Array(decoder, length)));
		if (json !== null && !isPlainObject(json)) throw new Error('awareness state is not an object');
		entries.push({ clientId, clock, state: json });
	}
	if (decoding.hasContent(decoder)) throw new Error('trailing bytes after the awareness update');
	return entries;
}

/**
 * y-protocols' applyAwarenessUpdate for entries already decoded (and stamped): the same clock
 * rules and the same 'update' event, without encoding the entries only to parse them again.
 * The server's awareness has no local state and no 'change' listeners, so neither is handled.
 */
export function applyPresence(awareness: Awareness, entries: PresenceEntry[], origin: unknown): void {
	const now = Date.now();
	const added: number[] = [];
	const updated: number[] = [];
	const removed: number[] = [];
	for (const { clientId, clock, state } of entries) {
		const meta = awareness.meta.get(clientId);
		const currentClock = meta === undefined ? 0 : meta.clock;
		const removesPresent = currentClock === clock && state === null && awareness.states.has(clientId);
		if (currentClock >= clock && !removesPresent) continue;
		if (state === null) awareness.states.delete(clientId);
		else awareness.states.set(clientId, state);
		awareness.meta.set(clientId, { clock, lastUpdated: now });
		if (meta === undefined && state !== null) added.push(clientId);
		else if (meta !== undefined && state === null) removed.push(clientId);
		else if (state !== null) updated.push(clientId);
	}
	if (added.length > 0 || updated.length > 0 || removed.length > 0) {
		awareness.emit('update', [{ added, updated, removed }, origin]);
	}
}

/**
 * The signed-in person's name and side replace whatever the client claimed in `user`. Made once
 * per connection: the stamped `user` is rebuilt only when the client changes what it claims
 * (its colour, say), not for every cursor move.
 */
export class IdentityStamp {
	private claimed: Record<string, unknown> | null = null;
	private stamped: Record<string, unknown> | null = null;

	constructor(private readonly identity: CollabIdentity) {}

	/** The entry with the signed-in identity in its state's `user` (the state is the decoder's own copy). */
	stamp(entry: PresenceEntry): PresenceEntry {
		if (entry.state === null) return entry;
		const claimed = isPlainObject(entry.state.user) ? entry.state.user : {};
		if (this.stamped === null || !sameFields(claimed, this.claimed!)) {
			this.claimed = claimed;
			this.stamped = { ...claimed, name: this.identity.name, side: this.identity.side };
		}
		entry.state.user = this.stamped;
		return entry;
	}
}

/** Shallow equality of two parsed JSON objects (a nested value compares by reference: not equal). */
function sameFields(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
	const keys = Object.keys(a);
	if (keys.length !== Object.keys(b).length) return false;
	return keys.every((key) => a[key] === b[key]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
