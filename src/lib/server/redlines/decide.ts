import type { SessionUser } from '../auth';
import type { CollabServer } from '../collab';
import { ChangeRefused, DocumentFrozen } from '../collab';
import type { Sql } from '../db';
import { getMouAccess } from '../mous';
import { can } from '$lib/mou/lifecycle';
import { parseSeen } from '$lib/document';
import type { FormOutcome as Outcome } from '../../errors';
import type { Decision } from '../../redlines/types';
import { applyDecisions, DecisionRefused } from './apply';
import { recordDecisions } from './store';

const DECISIONS: readonly Decision[] = ['accept', 'reject', 'withdraw'];
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_AT_ONCE = 2_000;

export interface DecideInput {
	suggestionIds: unknown[];
	decision: unknown;
	/** What the decider saw of each suggestion: `id:fingerprint` values (SEEN_FIELD); required. */
	seen: unknown[];
}

/**
 * Counsel accepts or rejects the other party's suggestions, or withdraws their own. Checked and
 * applied on the server's copy of the live document; every decision is recorded. Null when the
 * MOU does not exist for this user.
 */
export async function decideSuggestions(
	deps: { sql: Sql; collab: Pick<CollabServer, 'applyServerChange' | 'notify'> },
	user: SessionUser,
	mouId: string,
	input: DecideInput
): Promise<Outcome<{ decided: number }> | null> {
	const access = await getMouAccess(deps.sql, user, mouId);
	if (!access) return null;
	const refuse = (form: string): Outcome<{ decided: number }> => ({ ok: false, errors: { form } });
	if (!can(user, 'decide')) return refuse('Only counsel can decide on suggestions.');
	if (access.mou.status !== 'negotiating') return refuse('Suggestions are decided only while the MOU is being negotiated.');
	const decision = input.decision as Decision;
	if (!DECISIONS.includes(decision)) return refuse('Choose accept, reject or withdraw.');
	const ids = [...new Set(input.suggestionIds.map(String))];
	if (ids.length === 0) return refuse('Choose at least one suggestion.');
	if (ids.length > MAX_AT_ONCE || !ids.every((id) => ID.test(id))) return refuse('That is not a list of suggestions.');

	const seen = parseSeen(input.seen ?? []);
	const decider = { userId: user.id, side: access.side };
	let decided;
	try {
		decided = await deps.collab.applyServerChange(
			mouId,
			user.id,
			(doc) => applyDecisions(doc, ids, decision, decider, seen),
			// One unit with the change: a decision is never applied but unrecorded.
			(tx, result) => recordDecisions(tx, mouId, { ...decider, name: user.name }, decision, result),
			{ decides: (result) => result.map((s) => s.id) }
		);
	} catch (error) {
		if (error instanceof DecisionRefused) return refuse(error.message);
		if (error instanceof DocumentFrozen) return refuse(error.message);
		// A decision that would break a document rule (or meets a document that cannot take it now)
		// is refused with a reason, never answered with an error page.
		if (!(error instanceof ChangeRefused)) console.error('redlines.decide', error);
		return refuse(`That decision cannot be applied to the draft as it stands (${reasonOf(error)}). Reload and try again.`);
	}
	deps.collab.notify(mouId, 'history');
	return { ok: true, value: { decided: new Set(decided.map((s) => s.id)).size } };
}

function reasonOf(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return message.replace(/^The change was refused: /, '').replace(/[.\s]+$/, '');
}
