/**
 * What instances tell each other about a live document. PostgreSQL stays the only durable
 * store: a relayed update is always one that its instance has already stored, so a lost
 * message costs latency (the receiver catches up from the log), never data.
 */
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { NOTICE_TOPICS, type NoticeTopic } from '../../collab/protocol';

/** A decision's update, relayed: the MOU's decision count with it (mous.decisions) and the ids it closed. */
export interface RelayedDecision {
	count: number;
	ids: string[];
}

export type RelayMessage =
	/** Stored by the sender (log rows `seqs`), to be applied without storing it again; a decision's says so. */
	| { kind: 'update'; seqs: string[]; update: Uint8Array; decision?: RelayedDecision }
	/** Presence of the sender's connections of `userId` (an awareness update, already stamped). */
	| { kind: 'presence'; userId: string; update: Uint8Array }
	/** A newcomer asks the others for the presence of their connections. */
	| { kind: 'presenceQuery' }
	/** The sender may have failed to relay something: re-read the log. */
	| { kind: 'resync' }
	/** Something outside the text changed (comments, history, status): tell the local connections. */
	| { kind: 'notice'; topic: NoticeTopic };

/** Published to every instance, whichever documents it has open. */
export type InstanceMessage =
	/** A person's role or membership changed: re-check their open connections. */
	{ kind: 'access'; userId: string };

export interface CollabRelay {
	/** Unique per process; messages carry it so an instance ignores its own. */
	readonly instanceId: string;
	/**
	 * Starts delivering the document's messages. Resolves once delivery is in place, or at once
	 * while the relay is down: rooms catch up from the log when it is back (`onResume`).
	 */
	join(mouId: string): Promise<void>;
	leave(mouId: string): void;
	/** Fire and forget: when it cannot be sent now, the others are told to resync later. */
	publish(mouId: string, message: RelayMessage): void;
	onMessage(listener: (mouId: string, message: RelayMessage) => void): void;
	/** Fire and forget, to every instance (not only those with a document open). */
	publishToAll(message: InstanceMessage): void;
	onInstanceMessage(listener: (message: InstanceMessage) => void): void;
	/** The relay was down or lost messages: every joined document may have missed some. */
	onResume(listener: () => void): void;
	readonly ready: boolean;
	/** For health checks: does the relay answer now? */
	ping(): Promise<boolean>;
	close(): Promise<void>;
}

const KIND = { update: 0, presence: 1, presenceQuery: 2, resync: 3, notice: 4 } as const;
const INSTANCE_KIND = { access: 0 } as const;

export function encodeInstanceMessage(instanceId: string, message: InstanceMessage): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, INSTANCE_KIND[message.kind]);
	encoding.writeVarString(encoder, instanceId);
	encoding.writeVarString(encoder, message.userId);
	return encoding.toUint8Array(encoder);
}

/** Throws on bytes that are not an instance message. */
export function decodeInstanceMessage(bytes: Uint8Array): { instanceId: string; message: InstanceMessage } {
	const decoder = decoding.createDecoder(bytes);
	const kind = decoding.readVarUint(decoder);
	if (kind !== INSTANCE_KIND.access) throw new Error(`unknown instance message kind ${kind}`);
	const instanceId = decoding.readVarString(decoder);
	return { instanceId, message: { kind: 'access', userId: decoding.readVarString(decoder) } };
}

export function encodeRelayMessage(instanceId: string, message: RelayMessage): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, KIND[message.kind]);
	encoding.writeVarString(encoder, instanceId);
	if (message.kind === 'update') {
		encoding.writeVarUint(encoder, message.seqs.length);
		for (const seq of message.seqs) encoding.writeVarString(encoder, seq);
		encoding.writeVarUint8Array(encoder, message.update);
		if (message.decision) {
			// After the update: a receiver that does not know of it reads the update alone.
			encoding.writeVarUint(encoder, message.decision.count);
			encoding.writeVarUint(encoder, message.decision.ids.length);
			for (const id of message.decision.ids) encoding.writeVarString(encoder, id);
		}
	} else if (message.kind === 'presence') {
		encoding.writeVarString(encoder, message.userId);
		encoding.writeVarUint8Array(encoder, message.update);
	} else if (message.kind === 'notice') {
		encoding.writeVarString(encoder, message.topic);
	}
	return encoding.toUint8Array(encoder);
}

/** Throws on bytes that are not a relay message. */
export function decodeRelayMessage(bytes: Uint8Array): { instanceId: string; message: RelayMessage } {
	const decoder = decoding.createDecoder(bytes);
	const kind = decoding.readVarUint(decoder);
	const instanceId = decoding.readVarString(decoder);
	switch (kind) {
		case KIND.update: {
			const count = decoding.readVarUint(decoder);
			const seqs: string[] = [];
			for (let i = 0; i < count; i++) seqs.push(decoding.readVarString(decoder));
			const update = decoding.readVarUint8Array(decoder);
			if (!decoding.hasContent(decoder)) return { instanceId, message: { kind: 'update', seqs, update } };
			const decisionCount = decoding.readVarUint(decoder);
			const ids: string[] = [];
			for (let i = decoding.readVarUint(decoder); i > 0; i--) ids.push(decoding.readVarString(decoder));
			return { instanceId, message: { kind: 'update', seqs, update, decision: { count: decisionCount, ids } } };
		}
		case KIND.presence: {
			const userId = decoding.readVarString(decoder);
			return { instanceId, message: { kind: 'presence', userId, update: decoding.readVarUint8Array(decoder) } };
		}
		case KIND.presenceQuery:
			return { instanceId, message: { kind: 'presenceQuery' } };
		case KIND.resync:
			return { instanceId, message: { kind: 'resync' } };
		case KIND.notice: {
			const topic = decoding.readVarString(decoder);
			if (!(NOTICE_TOPICS as readonly string[]).includes(topic)) throw new Error(`unknown notice topic ${topic}`);
			return { instanceId, message: { kind: 'notice', topic: topic as NoticeTopic } };
		}
		default:
			throw new Error(`unknown relay message kind ${kind}`);
	}
}
