import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

/**
 * What the collaboration server and the browser agree on beyond the y-websocket protocol.
 * Message types 0–3 are y-websocket's (sync, awareness, auth, query-awareness).
 */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;
/**
 * Server → client after updates are stored durably:
 * varUint count, then count × (varUint clientId, varUint clock) — the clock up to which that
 * client's content is now persisted. The editor shows "All changes saved" from these.
 * Sent to the author after each stored batch (for the clients its updates touched, deletions
 * included), and in answer to a sync step 2 that brings nothing new (for every client the
 * document has — so a reconnecting tab learns its earlier edits are safe).
 * Caveat: a deletion does not advance the deleter's own clock, so a pure deletion is only
 * visible as "saved" through the next MESSAGE_PERSISTED the editor receives, not by its clock.
 */
export const MESSAGE_PERSISTED = 8;

/**
 * Server → client: something outside the text changed (comments, history, status, decisions);
 * the page should reload that part of its data. varString topic. Carries no content, so nothing
 * private (an internal comment) can reach the other party this way.
 */
export const MESSAGE_NOTICE = 9;
// 'template' goes between instances only: the MOU's template was re-applied (a new state profile),
// so every instance reloads its room (new locks and term rules); browsers hear 4409 instead.
export const NOTICE_TOPICS = ['comments', 'history', 'status', 'suggestions', 'template'] as const;
export type NoticeTopic = (typeof NOTICE_TOPICS)[number];

export function writeNotice(encoder: encoding.Encoder, topic: NoticeTopic): void {
	encoding.writeVarUint(encoder, MESSAGE_NOTICE);
	encoding.writeVarString(encoder, topic);
}

/** Reads the body of a MESSAGE_NOTICE (past the message type); null for a topic this build does not know. */
export function readNotice(decoder: decoding.Decoder): NoticeTopic | null {
	const topic = decoding.readVarString(decoder);
	return (NOTICE_TOPICS as readonly string[]).includes(topic) ? (topic as NoticeTopic) : null;
}

/** Writes a complete MESSAGE_PERSISTED message: client id → clock persisted up to. */
export function writePersisted(encoder: encoding.Encoder, clocks: ReadonlyMap<number, number>): void {
	encoding.writeVarUint(encoder, MESSAGE_PERSISTED);
	encoding.writeVarUint(encoder, clocks.size);
	for (const [client, clock] of clocks) {
		encoding.writeVarUint(encoder, client);
		encoding.writeVarUint(encoder, clock);
	}
}

/**
 * Reads the body of a MESSAGE_PERSISTED message (the decoder is past the message type, as in
 * y-websocket's `provider.messageHandlers[MESSAGE_PERSISTED]`).
 */
export function readPersisted(decoder: decoding.Decoder): Map<number, number> {
	const clocks = new Map<number, number>();
	const count = decoding.readVarUint(decoder);
	for (let i = 0; i < count; i++) {
		const client = decoding.readVarUint(decoder);
		clocks.set(client, decoding.readVarUint(decoder));
	}
	return clocks;
}

/** Close codes. y-websocket clients do not auto-reconnect on 4400–4499; the editor decides. */
export const CloseCode = {
	/** Malformed message: the client's state is suspect; reconnect with a fresh document. */
	malformed: 4400,
	unauthenticated: 4401,
	forbidden: 4403,
	notFound: 4404,
	/** A single message exceeded the size limit. */
	tooLarge: 4413,
	/** An update broke a document rule (locked clause, foreign root…): discard local state, resync. */
	updateRefused: 4422,
	/** Too many messages, connections per user or per document: wait, then reconnect. */
	rateLimited: 4429,
	/** The server is shutting down or the document is being unloaded: reconnect. */
	goingAway: 1001,
	/** The MOU stopped being editable (agreed, or the person's access changed): reload the page data. */
	statusChanged: 4409,
	/** Peer did not answer pings. */
	deadConnection: 4408,
	internalError: 1011
} as const;

export type CloseCodeName = keyof typeof CloseCode;

/** Close codes after which the client should throw its local document away and resync. */
export const RESYNC_CODES: readonly number[] = [CloseCode.malformed, CloseCode.updateRefused, CloseCode.tooLarge];

export function collabPath(mouId: string): string {
	return `/collab/${mouId}`;
}

/** Extracts the MOU id from a collaboration URL path, or null when the path is not one. */
export function mouIdFromCollabPath(pathname: string): string | null {
	const match = /^\/collab\/([0-9a-f-]{36})$/i.exec(pathname);
	return match ? match[1].toLowerCase() : null;
}
