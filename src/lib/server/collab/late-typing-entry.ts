import * as Y from 'yjs';
import { CloseCode } from '../../collab/protocol';
import type { Party } from '../../mou/party';
import type { Candidate, LateTypingRecord, Refusal, SuggestionIds } from './admission';
import { addedRanges, coversAdmitted, markLateTyping, mayBeLateTyping, planLateTyping, type AddedRanges } from './admission/late-typing';
import { errorMessage, type Connection } from './connection';
import { unusedClientId, type ServerChangeHost } from './server-change';
import type { ShadowDocument } from './tracked/shadow';
import { readUpdate, type Intake } from './update-intake';
import type { PendingUpdate } from './write-pipeline';

/** What marking late typing needs of its room: a server change's needs, and the tracked copy. */
export interface LateTypingHost extends ServerChangeHost {
	readonly shadow: ShadowDocument | null;
	readonly suggestionIds: SuggestionIds;
}

/** The pipeline entry that stores a person's late typing together with the server's marks on it. */
export interface LateTypingEntry {
	pending: PendingUpdate;
	candidate: Candidate;
}

const refused = (reason: string): Refusal => ({ code: CloseCode.updateRefused, reason });

/**
 * Late typing (admission/late-typing.ts) is marked as it is admitted, never after: on the room's
 * document with everything staged and the update (the tracked copy, see markIn), the server
 * formats exactly the late characters with their successor's mark (with a client id of its own,
 * as a server change), that
 * change passes the admission chain as the server's, and the person's update and the marks are
 * one pipeline entry, stored in one transaction and sent to everyone, the author included (their
 * editor needs the server's format items). The late move is counted here. If anything about the
 * marks fails, the whole update is refused, as unmarked text always was: it is never stored unmarked.
 * The clock is read once per admission: the text the tracked-change rules admitted as late typing
 * (recorded on the change) is marked whatever the time is by now, or the update is refused.
 *
 * A person's update through the admission chain, then this: the entry that stores it, or a refusal.
 */
export function admitUpdate(host: LateTypingHost, intake: Intake, author: { userId: string; side: Party }, connection: Connection): LateTypingEntry | Refusal {
	const candidate = host.pipeline.candidateFor(intake.bytes, intake.decoded);
	const lateTyping: LateTypingRecord = { at: host.decidedIds.clock(), admitted: [] };
	const refusal = host.admit({ intake, author: { kind: 'person', ...author }, candidate, lateTyping });
	if (refusal !== null) return refusal;
	const entry = lateTypingEntry(host, intake, author, connection, candidate, lateTyping);
	if ('code' in entry) return entry;
	for (const client of intake.writing) host.owners.bind({ client, userId: author.userId, party: author.side });
	host.suggestionIds.recordAdmitted(intake, host.doc);
	return entry;
}

function lateTypingEntry(
	host: LateTypingHost,
	intake: Intake,
	author: { userId: string; side: Party },
	connection: Connection,
	candidate: Candidate,
	late: LateTypingRecord
): LateTypingEntry | Refusal {
	const plain = { pending: { connection, update: intake.bytes, decoded: intake.decoded, userId: author.userId, clients: intake.touched }, candidate };
	const { decidedIds, shadow } = host;
	const admitted = late.admitted.length > 0;
	// Nearly every keystroke: nothing admitted as late typing and no recent decision.
	if (!admitted && !decidedIds.anyRecent(late.at)) return plain;
	const ranges = addedRanges(intake);
	if (shadow === null || ranges === null) {
		if (!admitted) return plain;
		shadow?.discard();
		return refused('its late typing could not be marked');
	}
	// Nothing admitted as late typing: only text under a decided id whose decision has not reached this copy yet may need a mark.
	if (!admitted && !mayBeLateTyping(shadow.copy, ranges, decidedIds)) return plain;
	let outcome: LateTypingEntry | Refusal | null;
	try {
		outcome = marked(host, shadow, intake, ranges, author, connection, late);
	} catch (error) {
		outcome = refused(`its late typing could not be marked: ${errorMessage(error)}`);
	}
	// Refused after the tracked-change rules (or the marks) changed the tracked copy: it is rebuilt.
	if (outcome !== null && 'code' in outcome) shadow.discard();
	return outcome ?? plain;
}

/**
 * Where the marks are planned and made: the tracked copy as the tracked-change rules just left it
 * (the room's document, everything staged and the update), which then keeps them; no copy per
 * keystroke. Only while a change of the server's own is staged (the tracked copy takes those in
 * once stored) is it a copy of the room's document with everything staged and the update.
 */
function markIn(host: LateTypingHost, shadow: ShadowDocument, update: Uint8Array): { work: Y.Doc; done: (marks: Uint8Array | null) => void } {
	const copy = shadow.copy;
	if (copy !== null && !host.pipeline.stagesServerChange) {
		const ownClient = copy.clientID;
		return { work: copy, done: () => (copy.clientID = ownClient) };
	}
	const work = new Y.Doc({ gc: false });
	Y.applyUpdate(work, Y.encodeStateAsUpdate(host.doc));
	const staged = host.pipeline.staged;
	if (staged) Y.applyUpdate(work, staged);
	Y.applyUpdate(work, update);
	return {
		work,
		done: (marks) => {
			work.destroy();
			if (marks !== null) shadow.include(marks);
		}
	};
}

function marked(
	host: LateTypingHost,
	shadow: ShadowDocument,
	intake: Intake,
	ranges: AddedRanges,
	author: { userId: string; side: Party },
	connection: Connection,
	late: LateTypingRecord
): LateTypingEntry | Refusal | null {
	const { work, done } = markIn(host, shadow, intake.bytes);
	let made: { marks: Uint8Array; continues: Set<string> } | Refusal | null = null;
	try {
		made = marksOn(host, work, intake, ranges, author, late);
	} finally {
		done(made !== null && 'marks' in made ? made.marks : null);
	}
	if (made === null || 'code' in made) return made;
	const { marks, continues } = made;
	const { decidedIds, pipeline, doc } = host;
	const entry = Y.mergeUpdates([intake.bytes, marks]);
	const staged = pipeline.staged;
	const candidate: Candidate = { bytes: staged ? Y.mergeUpdates([staged, entry]) : entry, staged: null };
	const marksIntake = readUpdate(doc, marks);
	const refusal = host.admit({ intake: marksIntake, author: { kind: 'server', actorId: author.userId }, candidate });
	if (refusal !== null) return refused(`its late typing could not be marked: ${refusal.reason}`);
	for (const client of marksIntake.writing) host.owners.bind({ client, userId: null, party: null });
	host.suggestionIds.recordAdmitted(marksIntake, doc);
	decidedIds.noteLateTyping(continues, author.userId, late.at);
	const pending: PendingUpdate = { connection, update: entry, decoded: Y.decodeUpdate(entry), userId: author.userId, clients: intake.touched, echo: true };
	return { pending, candidate };
}

/** On `work`: the marks (one update, with a client id of the server's own) and the decided ids they continue, nothing to mark, or why the update is refused. */
function marksOn(
	host: LateTypingHost,
	work: Y.Doc,
	intake: Intake,
	ranges: AddedRanges,
	author: { userId: string; side: Party },
	late: LateTypingRecord
): { marks: Uint8Array; continues: Set<string> } | Refusal | null {
	if (work.store.pendingStructs !== null || work.store.pendingDs !== null) return refused('could not be applied');
	const plan = planLateTyping(work, intake.decoded, ranges, author, host.decidedIds, late.at);
	if (typeof plan === 'string') return refused(plan);
	if (!coversAdmitted(plan, late.admitted)) return refused('its late typing could not be marked as it was admitted');
	if (plan.length === 0) return null;
	work.clientID = unusedClientId(work, host.owners);
	const updates: Uint8Array[] = [];
	const capture = (update: Uint8Array) => updates.push(update);
	work.on('update', capture);
	let unmarked: string | null;
	try {
		unmarked = markLateTyping(work, plan, ranges, author, host.decidedIds);
	} finally {
		work.off('update', capture);
	}
	if (unmarked !== null || updates.length === 0) return refused(unmarked ?? 'its late typing could not be marked');
	return { marks: updates.length === 1 ? updates[0] : Y.mergeUpdates(updates), continues: new Set(plan.map((mark) => mark.decided)) };
}
