import * as Y from 'yjs';
import { CloseCode } from '../../../collab/protocol';
import type { Writer } from '../tracked/rules';
import { lateTypingMark, plainTextOnly } from './late-typing';
import type { AdmissionCheck, Refusal } from './types';

/** Accepted-but-unstored bytes beyond which writers are told to slow down. */
export const MAX_STAGED_BYTES = 32 * 1024 * 1024;

const refused = (reason: string): Refusal => ({ code: CloseCode.updateRefused, reason });

/** Agreed or closed: nothing changes any more. */
export const frozen: AdmissionCheck = (_change, { mode }) =>
	mode === 'frozen' ? { code: CloseCode.statusChanged, reason: 'This MOU can no longer change' } : null;

/**
 * Locked clauses, allowed roots, and structs Yjs could never integrate (guard/). The server's
 * re-application of the template (a new state profile) replaces locked clauses by design: it is
 * computed from the room's own document, and the room reloads its locks once it is stored.
 */
export const lockGuard: AdmissionCheck = ({ intake, candidate, author }, { guard }) => {
	if (author.kind === 'server' && author.rewritesTemplate === true) return null;
	// Unless it was merged with what is staged, the candidate is the update itself: its decoding is reused.
	const own = candidate.bytes === intake.bytes;
	const verdict = guard.check(candidate.bytes, own ? intake.decoded : undefined, own ? (candidate.staged ?? undefined) : undefined);
	return verdict.ok ? null : refused(verdict.reason);
};

/**
 * A client id bound to someone else (or to the server, or never seen writing here) is not the
 * writer's. The server writes with a fresh id of its own, never bound before.
 */
export const clientOwnership: AdmissionCheck = ({ intake, author }, { owners, doc }) => {
	for (const client of intake.writing) {
		const owner = owners.ownerOf(client);
		if (author.kind === 'server') {
			if (owner !== undefined || Y.getState(doc.store, client) > 0) return refused(`writes with client id ${client}, which is in use`);
			continue;
		}
		if (owner === author.userId) continue;
		if (owner !== undefined) return refused(`writes with client id ${client}, which belongs to someone else`);
		if (Y.getState(doc.store, client) > 0) return refused(`writes with client id ${client}, which is not yours`);
	}
	return null;
};

/** Too much accepted but not yet stored: the writer waits. */
export const stagedCap: AdmissionCheck = ({ intake }, { stagedBytes }) =>
	stagedBytes + intake.bytes.length > MAX_STAGED_BYTES ? { code: CloseCode.rateLimited, reason: 'Too many unsaved changes; reconnect shortly' } : null;

/**
 * While negotiating, every change of a person's is a suggestion their party answers for (judged
 * on the shadow copy, which this applies the update to: it must be the chain's last link).
 * The server's own changes are decisions on suggestions, not suggestions. Unmarked text admitted
 * as late typing is recorded on the change (each item, with its successor): the entry that
 * stores it marks exactly that, on the same clock reading (collab/late-typing-entry.ts).
 */
export const trackedChanges: AdmissionCheck = ({ intake, author, lateTyping }, { shadow, owners, decidedIds }) => {
	if (shadow === null || author.kind !== 'person') return null;
	const late = lateTyping !== undefined && decidedIds.anyRecent(lateTyping.at) && plainTextOnly(intake.decoded) ? lateTyping : null;
	const writer: Writer = {
		userId: author.userId,
		side: author.side,
		ownsClient: (client) => owners.ownerOf(client) === author.userId || intake.writing.includes(client),
		isLateTyping: (item, tr) => {
			if (late === null) return false;
			const isNew = (id: Y.ID) => id.clock >= (tr.beforeState.get(id.client) ?? 0);
			const found = lateTypingMark(tr.doc, item, isNew, author, decidedIds, late.at);
			if (found === null) return false;
			const { client, clock } = item.id;
			late.admitted.push({ client, clock, length: item.length, decided: found.decided, successor: found.mark.id });
			return true;
		}
	};
	const violation = shadow.check(intake.bytes, writer);
	return violation === null ? null : refused(violation);
};
