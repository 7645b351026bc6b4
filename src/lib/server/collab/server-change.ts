import * as Y from 'yjs';
import type { Tx } from '../db';
import { CloseCode } from '../../collab/protocol';
import type { DecidedIds, ProposedChange, Refusal } from './admission';
import type { ClientOwners } from './tracked/client-owners';
import { readUpdate } from './update-intake';
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
	readonly doc: Y.Doc;
	readonly owners: ClientOwners;
	readonly pipeline: WritePipeline;
	readonly decidedIds: DecidedIds;
	/** Resolves once the room is loaded: false when it cannot take changes (failed, unloaded). */
	ready(): Promise<boolean>;
	admit(change: ProposedChange): Refusal | null;
	/** Runs a write in a transaction of its own (a record for a change that changed nothing). */
	transaction(write: (tx: Tx) => Promise<void>): Promise<void>;
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
					resolve,
					reject: (error) => {
						host.decidedIds.remove(decided);
						reject(error);
					}
				},
				alsoWrite: record && ((tx) => record(tx, result))
			},
			candidate
		)
	);
	return result;
}

/** A client id nobody has written with in `work` or bound here: the server's own for one change. */
export function unusedClientId(work: Y.Doc, owners: ClientOwners): number {
	let client = work.clientID;
	while (work.store.clients.has(client) || owners.ownerOf(client) !== undefined) {
		client = Math.floor(Math.random() * 0xffffffff);
	}
	return client;
}
