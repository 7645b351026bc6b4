import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { CloseCode, type NoticeTopic } from '../../collab/protocol';
import { documentMode, type DocumentMode } from '../../mou/lifecycle';
import { DOCUMENT_ROOTS, TERMS_FIELD, TERM_PROPOSALS_FIELD } from '../../document';
import { admit, DecidedIds, LateSuggestions, SuggestionIds, type AdmissionState, type ProposedChange, type Refusal } from './admission';
import { FullState } from './full-state';
import { createUpdateGuard, type UpdateGuard } from './guard';
import { Connection, errorMessage } from './connection';
import { encodeNotice, encodePersisted, encodeSyncStep1, encodeUpdate, type ClientMessage } from './messages';
import { applyStoredLog, hasApprovals, loadDecisions, loadMouStatus, loadStoredDocument } from './persistence';
import type { RoomContext } from './room-context';
import { NO_DOCUMENT_RULES, type DocumentRules } from './types';
import { RoomPeers, type PeerHost } from './room-peers';
import { RoomPresence } from './room-presence';
import { RoomUpkeep } from './room-upkeep';
import { applyServerChange, SERVER_CHANGE, type ServerChangeOptions, type ServerChangeRecord } from './server-change';
import { ClientOwners } from './tracked/client-owners';
import { admitUpdate, type LateTypingHost } from './late-typing-entry';
import { ShadowDocument } from './tracked/shadow';
import { addsNothing, isEmptyUpdate, readUpdate, stateClocks, type Intake } from './update-intake';
import { DocumentFrozen, WritePipeline, type PipelineHost } from './write-pipeline';

export { DocumentFrozen } from './write-pipeline';
export { ChangeRefused, SERVER_CHANGE } from './server-change';

/**
 * One MOU's live document and its connections (loading, the document's mode, failing, unloading).
 * An update goes through intake (update-intake.ts), the admission chain (admission/) and the write
 * pipeline, which stores it before it applies, broadcasts, relays and acknowledges it
 * (write-pipeline.ts). Updates other instances stored arrive relayed and are applied, not stored
 * again (room-peers.ts). Presence, upkeep and the server's own changes have files of their own.
 */
export class Room {
	readonly doc = new Y.Doc({ gc: false }); // never gc: deleted text is the negotiation history
	readonly awareness = new Awareness(this.doc);
	private readonly fullState = new FullState(this.doc);
	readonly loaded: Promise<void>;
	private readonly connections = new Set<Connection>();
	private status: 'loading' | 'ready' | 'failed' | 'unloaded' = 'loading';
	private guard: UpdateGuard | null = null;
	private suggestionIds = new SuggestionIds();
	private readonly decidedIds = new DecidedIds();
	private readonly late = new LateSuggestions(this.decidedIds, (actorId, change) =>
		this.ctx.track(this.applyServerChange(actorId, change).catch((error) => this.logError('late-suggestion', error)))
	);
	private rules: DocumentRules = NO_DOCUMENT_RULES;
	/** The other instances with this MOU open; null when this is the only instance. */
	private readonly peers: RoomPeers | null;
	private readonly pipeline: WritePipeline;
	private readonly presence: RoomPresence;
	private readonly upkeep: RoomUpkeep;
	private mode: DocumentMode = 'direct';
	/** While tracked: the document plus what is staged, where each update is judged first. */
	private shadow: ShadowDocument | null = null;
	private readonly owners: ClientOwners;
	/** A party approved the draft as it stands: the next stored edit withdraws it, and pages must hear. */
	private approved = false;

	constructor(
		readonly mouId: string,
		private readonly ctx: RoomContext,
		private readonly after: Promise<void> = Promise.resolve() // a retired room of this MOU, finishing its writes
	) {
		this.awareness.setLocalState(null);
		this.owners = new ClientOwners(ctx.sql, mouId);
		this.peers = ctx.relay ? new RoomPeers(ctx, ctx.relay, this.peerHost()) : null;
		this.pipeline = new WritePipeline(ctx, this.pipelineHost());
		this.presence = new RoomPresence(
			this.awareness,
			() => this.connections,
			this.peers,
			() => this.pipeline.underway
		);
		this.upkeep = new RoomUpkeep(mouId, ctx);
		// Cheap (no encoding): changes that did not come through admission leave the shadow behind.
		this.doc.on('afterTransaction', (tr: Y.Transaction) => {
			if (this.status !== 'ready' || tr.origin instanceof Connection) return;
			this.shadow?.markBehind();
			this.suggestionIds.recordTransaction(tr);
			if (tr.origin !== SERVER_CHANGE) this.owners.reload(this.ctx.track, (error) => this.logError('owners', error)); // other instances bound new clients
		});
		// No doc 'update' listener (Yjs would re-encode each update): each path broadcasts the bytes it applied.
		this.loaded = this.load();
	}

	get isEmpty(): boolean {
		return this.connections.size === 0;
	}

	get connectionCount(): number {
		return this.connections.size;
	}

	/** A message another instance published about this document. */
	receiveRelayed(message: Parameters<RoomPeers['receive']>[0]): void {
		this.peers?.receive(message);
	}

	/** The relay is back after an outage. */
	resume = (): void => this.peers?.resume();

	add(connection: Connection): void {
		if (!connection.isOpen) return;
		this.connections.add(connection);
		connection.onEnd(() => this.remove(connection));
		if (this.status === 'ready') this.start(connection);
	}

	/** Resolves once nothing is being loaded or written. */
	async settled(): Promise<void> {
		await this.loaded;
		await this.pipeline.settled();
	}

	closeAll(code: number, reason: string): void {
		for (const connection of [...this.connections]) connection.close(code, reason);
	}

	unload(): void {
		if (this.status === 'unloaded') return;
		this.status = 'unloaded';
		this.closeAll(CloseCode.goingAway, 'Document unloaded');
		this.peers?.stop();
		this.pipeline.drop(new Error('The document was closed'));
		this.shadow?.discard();
		this.presence.stop();
		this.awareness.destroy();
		this.doc.destroy();
	}

	/** A change by the server for `actorId` (a decision), through the admission chain and write pipeline (server-change.ts). */
	applyServerChange<T>(actorId: string, change: (doc: Y.Doc) => T, record?: ServerChangeRecord<T>, options?: ServerChangeOptions<T>): Promise<T> {
		return applyServerChange(this.serverChangeHost(), actorId, change, record, options);
	}

	/** Tells every connection (and, unless it came from there, the other instances) that `topic` changed. */
	notice(topic: NoticeTopic, relay = true): Promise<void> {
		if (relay) this.peers?.notice(topic);
		if (topic === 'template') return Promise.resolve(this.ctx.retire(this)); // browsers hear 4409 instead
		const message = encodeNotice(topic);
		const send = () => this.connections.forEach((connection) => connection.send(message));
		if (topic !== 'history') send(); // history: decisions made elsewhere are known here before anyone hears
		const refreshed = topic === 'history' ? this.refreshHistory().then(send) : topic === 'status' ? this.refreshStatus() : null;
		if (refreshed) this.ctx.track(refreshed);
		return topic === 'status' && refreshed ? refreshed : Promise.resolve();
	}

	private async load(): Promise<void> {
		let watermark: string;
		try {
			await this.after;
			await this.peers?.join(); // first: what is stored after the read below arrives relayed
			const [stored, status, approved, rules] = await Promise.all([
				// The decisions first: the document read after them holds at least their changes.
				loadDecisions(this.ctx.sql, this.mouId).then(({ count, ids }) => {
					this.decidedIds.add(ids);
					this.pipeline.decisions.loaded(count);
					return loadStoredDocument(this.ctx.sql, this.mouId);
				}),
				loadMouStatus(this.ctx.sql, this.mouId),
				hasApprovals(this.ctx.sql, this.mouId),
				this.ctx.documentRules(this.mouId),
				this.owners.load()
			]);
			this.approved = approved;
			this.rules = rules;
			if (this.status !== 'loading') return;
			this.setMode(documentMode(status));
			const applied = applyStoredLog(this.doc, stored.updates, (stage, error, row) =>
				this.ctx.log({ event: 'collab.error', stage, mouId: this.mouId, row, error: errorMessage(error) })
			);
			this.fullState.loaded(applied);
			this.suggestionIds = SuggestionIds.of(this.doc);
			this.guard = createUpdateGuard(this.doc, { allowedRoots: [...DOCUMENT_ROOTS], textMapRoots: [TERMS_FIELD, TERM_PROPOSALS_FIELD] });
			watermark = stored.watermark;
			this.status = 'ready';
			this.upkeep.loaded(stored.tailCount);
		} catch (error) {
			this.fail('load', error);
			return;
		}
		this.peers?.ready(watermark);
		for (const connection of [...this.connections]) this.start(connection);
	}

	private start(connection: Connection): void {
		if (!connection.isOpen) return;
		// Read-only connections are not asked for their state: it would be dropped anyway.
		if (connection.canWrite) connection.send(encodeSyncStep1(this.doc));
		this.presence.sendAll(connection);
		connection.attach((message) => this.handle(connection, message));
	}

	private remove(connection: Connection): void {
		if (!this.connections.delete(connection)) return;
		this.presence.leave(connection);
		if (this.connections.size === 0) this.ctx.onEmpty(this);
	}

	private handle(connection: Connection, message: ClientMessage): void {
		switch (message.kind) {
			case 'syncStep1':
				connection.send(this.fullState.syncStep2(message.stateVector));
				return;
			case 'syncStep2':
			case 'update':
				this.receiveUpdate(connection, message.update, message.kind === 'syncStep2');
				return;
			case 'awareness':
				this.presence.receive(connection, message.update);
				return;
			case 'queryAwareness':
				this.presence.sendAll(connection, true);
				return;
		}
	}

	private receiveUpdate(connection: Connection, update: Uint8Array, isSyncReply: boolean): void {
		if (!connection.canWrite) {
			if (!isEmptyUpdate(update)) this.ctx.counters.updatesRefused++;
			return;
		}
		if (isEmptyUpdate(update)) {
			if (isSyncReply && this.pipeline.staged === null) connection.send(encodePersisted(stateClocks(this.doc)));
			return;
		}
		let intake: Intake;
		try {
			intake = readUpdate(this.doc, update);
		} catch (error) {
			connection.close(CloseCode.malformed, `Unreadable update: ${errorMessage(error)}`);
			return;
		}
		// A reconnecting client's sync reply often holds nothing new: all is stored, its editor shows "saved".
		if (isSyncReply && this.pipeline.staged === null && addsNothing(this.doc, intake)) {
			connection.send(encodePersisted(stateClocks(this.doc)));
			return;
		}
		const { userId, side } = connection.identity!;
		const entry = admitUpdate(this.serverChangeHost(), intake, { userId, side }, connection);
		if ('code' in entry) return this.refuse(connection, entry);
		this.ctx.counters.updatesAccepted++;
		this.ctx.acceptedRate.add();
		this.pipeline.enqueue(entry.pending, entry.candidate); // late typing goes with the server's marks on it
		this.late.admitted(intake, this.doc, userId); // late marks move to a new id
	}

	private admit(change: ProposedChange): Refusal | null {
		return admit(change, this.admissionState());
	}

	private admissionState(): AdmissionState {
		return {
			doc: this.doc,
			mode: this.mode,
			guard: this.guard!,
			owners: this.owners,
			stagedBytes: this.pipeline.stagedBytes,
			shadow: this.shadow,
			suggestionIds: this.suggestionIds,
			decidedIds: this.decidedIds,
			rules: this.rules
		};
	}

	private refuse(connection: Connection, refusal: Refusal): void {
		if (refusal.code !== CloseCode.rateLimited) this.ctx.counters.updatesRefused++;
		if (refusal.code === CloseCode.updateRefused) connection.logEvent('collab.update_refused', { reason: refusal.reason });
		connection.close(refusal.code, refusal.reason);
	}

	private refreshStatus = () => this.refresh('status', async () => this.setMode(documentMode(await loadMouStatus(this.ctx.sql, this.mouId))));
	/** Approvals (withdrawn by edits) and decisions (closing their ids) made on any instance. */
	private refreshHistory(): Promise<void> {
		return this.refresh('history', async () => {
			const [approved, decided] = await Promise.all([hasApprovals(this.ctx.sql, this.mouId), loadDecisions(this.ctx.sql, this.mouId)]);
			this.approved = approved;
			this.decidedIds.add(decided.ids);
			// Their changes are in the document once it caught up with the log after the count was read.
			if (await this.peers?.catchUp()) this.pipeline.decisions.learned(decided.count);
		});
	}

	/** Once loaded, re-reads something about the MOU; a failure is logged and the room carries on. */
	private async refresh(stage: string, read: () => Promise<void>): Promise<void> {
		await this.loaded;
		if (this.status !== 'ready') return;
		await read().catch((error) => this.logError(stage, error));
	}

	private logError(stage: string, error: unknown): void {
		this.ctx.log({ event: 'collab.error', stage, mouId: this.mouId, error: errorMessage(error) });
	}

	private setMode(mode: DocumentMode): void {
		if (mode === this.mode) return;
		this.mode = mode;
		if (mode === 'tracked') this.shadow = new ShadowDocument(this.doc, () => this.pipeline.staged);
		else {
			this.shadow?.discard();
			this.shadow = null;
		}
		if (mode === 'frozen') this.closeWriters();
	}

	/** The database refused a write because the MOU was agreed meanwhile: nothing unstored survives. */
	private freeze(): void {
		this.pipeline.drop(new DocumentFrozen());
		this.setMode('frozen');
		this.closeWriters();
	}

	/** Writers reconnect and are admitted read-only; readers stay. */
	private closeWriters(): void {
		for (const connection of [...this.connections]) {
			if (connection.canWrite) connection.close(CloseCode.statusChanged, 'This MOU can no longer change');
		}
	}

	/** After a stored batch: approvals it withdrew (trigger on mou_updates) are announced; the log may need compacting. */
	private stored(rows: number): void {
		if (this.approved) {
			this.approved = false;
			void this.notice('history');
		}
		this.upkeep.stored(rows);
	}

	/** Nothing unstored may reach anyone: drop the room, clients reconnect and resend. */
	private fail(stage: string, error: unknown): void {
		if (this.status === 'failed' || this.status === 'unloaded') return;
		this.status = 'failed';
		this.logError(stage, error);
		this.pipeline.drop(error);
		this.shadow?.discard();
		this.peers?.stop();
		this.closeAll(CloseCode.internalError, 'The document could not be saved; reconnecting');
		this.ctx.onFailed(this);
	}

	private peerHost(): PeerHost {
		return {
			mouId: this.mouId,
			doc: this.doc,
			awareness: this.awareness,
			broadcast: (update) => this.broadcastUpdate(update, null),
			notice: (topic) => this.notice(topic, false),
			state: () => (this.status === 'loading' || this.status === 'ready' ? this.status : 'gone'),
			localPresence: () => this.presence.localPresence(),
			closeDecided: (ids) => void this.decidedIds.add(ids),
			decidedElsewhere: (count) => this.pipeline.decisions.relayed(count)
		};
	}

	private pipelineHost(): PipelineHost {
		return {
			mouId: this.mouId,
			doc: this.doc,
			owners: this.owners,
			peers: this.peers,
			serverOrigin: SERVER_CHANGE,
			isReady: () => this.status === 'ready',
			broadcast: (update, origin) => this.broadcastUpdate(update, origin),
			stored: (rows) => this.stored(rows),
			frozen: () => this.freeze(),
			failed: (stage, error) => this.fail(stage, error),
			unstaged: () => this.shadow?.discard(),
			decidedElsewhere: () => void this.notice('history', false) // learned, then pages hear of it
		};
	}

	private serverChangeHost(): LateTypingHost {
		return {
			mouId: this.mouId,
			doc: this.doc,
			shadow: this.shadow,
			suggestionIds: this.suggestionIds,
			owners: this.owners,
			pipeline: this.pipeline,
			decidedIds: this.decidedIds,
			ready: async () => {
				await this.loaded;
				return this.status === 'ready';
			},
			admit: (change) => this.admit(change),
			transaction: async (write) => void (await this.ctx.sql.begin(write)),
			catchUpWith: (tx) => this.peers?.catchUpWith(tx) ?? Promise.resolve(0)
		};
	}

	/** To every connection but the one it came from. */
	private broadcastUpdate(update: Uint8Array, origin: Connection | null): void {
		const message = encodeUpdate(update);
		for (const connection of this.connections) {
			if (connection !== origin) connection.send(message);
		}
		this.presence.editSent();
	}
}
