import * as Y from 'yjs';
import type { Tx } from '../db';
import { CloseCode } from '../../collab/protocol';
import type { DecidedIds, ProposedChange, Refusal } from './admission';
import type { ClientOwners } from './tracked/client-owners';
import { readUpdate } from './update-intake';
import { loadDecidedIds } from './persistence';
import { DocumentFrozen, type WritePipeline } from './write-pipeline';

/** Origin of changes the server makes itself (decisions on suggestions). */
export const SERVER_CHANGE = Symbol('server-change');

/** Written in the same transaction as a server change, from what the change returned. */
export type ServerChangeRecord<T> = (tx: Tx, result: T) => Promise<void>;

/**
 * `rewritesTemplate`: the template's re-application (may replace locked clauses). `decides`: the
 * suggestion ids the change decides, closed to new marks from the moment it is admitted.
 */
export interface ServerChangeOptions<T> {
	rewritesTemplate?: boolean;
	decides?: (result: T) => Iterable<string>;
}

/** The server's change was refused by the admission chain (it would break a document rule). */
export class ChangeRefused extends Error {}

/** What a server change needs of its room. */
export interface ServerChangeHost {
	readonly mouId: string;
	readonly doc: Y.Doc;
	readonly owners: ClientOwners;
	readonly pipeline: WritePipeline;
	readonly decidedIds: DecidedIds;
	/** Resolves once the room is loaded: false when it cannot take changes (failed, unloaded). */
	ready(): Promise<boolean>;
	admit(change: ProposedChange): Refusal | null;
	/** Runs a write in a transaction of its own (a record for a change that changed nothing). */
	transaction(write: (tx: Tx) => Promise<void>): Promise<void>;
	/** Applies (and shows) what other instances stored that the document lacks, read in `tx`; returns how many updates. */
	catchUpWith(tx: Tx): Promise<number>;
}

/**
 * Makes a change as the server on behalf of `actorId`: computed on a copy of the document (plus
 * what is staged) with a client id of its own, then through the same admission chain and write
 * pipeline as any update. Resolves with what `change` returned once the change is stored.
 */
export async function applyServerChange<T>(
	host: ServerChangeHost,
	actorId: string,
	change: (doc: Y.Doc) => T,
	record?: ServerChangeRecord<T>,
	options: ServerChangeOptions<T> = {}
): Promise<T> {
	if (!(await host.ready())) throw new Error('The document is not available right now; try again.');
	const { doc, owners, pipeline } = host;
	const work = new Y.Doc({ gc: false });
	Y.applyUpdate(work, Y.encodeStateAsUpdate(doc));
	if (pipeline.staged) Y.applyUpdate(work, pipeline.staged);
	work.clientID = unusedClientId(work, owners);
	const updates: Uint8Array[] = [];
	work.on('update', (update: Uint8Array) => updates.push(update));
	let result: T;
	try {
		result = change(work);
	} finally {
		work.destroy();
	}
	if (updates.length === 0) {
		if (record) await host.transaction((tx) => record(tx, result));
		host.decidedIds.add(options.decides?.(result) ?? []);
		return result;
	}
	const update = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
	const candidate = pipeline.candidateFor(update);
	const refusal = host.admit({
		intake: readUpdate(doc, update),
		author: { kind: 'server', actorId, rewritesTemplate: options.rewritesTemplate === true },
		candidate
	});
	if (refusal !== null) {
		if (refusal.code === CloseCode.statusChanged) throw new DocumentFrozen();
		throw new ChangeRefused(`The change was refused: ${refusal.reason}`);
	}
	owners.bind({ client: work.clientID, userId: null, party: null });
	// A decision notes whether the document changes before it is stored (relayed updates, what was staged).
	let changedSince = false;
	const changed = () => void (changedSince = true);
	if (options.decides) doc.on('afterTransaction', changed);
	const unwatch = () => doc.off('afterTransaction', changed);
	// Before it is stored: a mark reusing a decided id must not slip in behind the decision.
	const decided = host.decidedIds.add(options.decides?.(result) ?? []);
	await new Promise<void>((resolve, reject) =>
		pipeline.enqueue(
			{
				connection: null,
				update,
				userId: actorId,
				clients: [work.clientID],
				settle: {
					resolve: () => {
						unwatch();
						resolve();
					},
					reject: (error) => {
						unwatch();
						host.decidedIds.remove(decided);
						reject(error);
					}
				},
				alsoWrite: record && ((tx) => record(tx, result)),
				decides: options.decides && [...options.decides(result)],
				decision:
					options.decides &&
					((tx, counted, seen) => {
						unwatch();
						return decideAgainUnderLock(host, change, tx, counted !== seen.value, changedSince);
					})
			},
			candidate
		)
	);
	return result;
}

/**
 * A decision, first thing in its transaction, under the MOU's row lock (no other instance can
 * store anything for the MOU until it commits): the document takes in what other instances stored
 * that it has not applied yet (their rows are committed: they held the lock before). If the
 * document changed since the decision was made on it (that, relayed updates, this room's own
 * staged ones) or other instances decided meanwhile (`missed`: their ids are closed here now), the
 * change is made again on it: one that can no longer be made as it was seen (a decision refuses a
 * suggestion whose text changed since its decider saw it) throws, and nothing of it is stored.
 */
async function decideAgainUnderLock<T>(host: ServerChangeHost, change: (doc: Y.Doc) => T, tx: Tx, missed: boolean, changed: boolean): Promise<void> {
	const caughtUp = await host.catchUpWith(tx);
	if (missed) host.decidedIds.add(await loadDecidedIds(tx, host.mouId));
	if (caughtUp === 0 && !missed && !changed) return;
	const copy = new Y.Doc({ gc: false });
	try {
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(host.doc));
		change(copy);
	} finally {
		copy.destroy();
	}
}

/** A client id nobody has written with in `work` or bound here: the server's own for one change. */
export function unusedClientId(work: Y.Doc, owners: ClientOwners): number {
	let client = work.clientID;
	while (work.store.clients.has(client) || owners.ownerOf(client) !== undefined) {
		client = Math.floor(Math.random() * 0xffffffff);
	}
	return client;
}
