import type { SessionUser } from '$lib/server/auth';
import { accessToAct, touchActivity, type MouAccess, type MouStatus } from '$lib/server/mous';
import type { Sql } from '$lib/server/db';
import { otherParty } from '$lib/mou/party';
import type { Action } from '$lib/mou/lifecycle';
import { failure, ok, type Outcome } from '$lib/errors';
import type { NegotiationDeps } from './deps';
import { formatDay } from './dates';
import { roundSentMails } from './mail';
import { snapshotDraft } from './snapshot';
import * as store from './store';

export interface RoundSent {
	versionId: string;
	round: number;
	label: string;
	/** How many of the other party's counsel were emailed. */
	emailed: number;
}

/** Why an MOU in this status cannot be negotiated on, or null when it can. */
export function notNegotiating(status: MouStatus): string | null {
	if (status === 'negotiating') return null;
	if (status === 'draft') return 'The other party has not joined this MOU yet.';
	return 'This MOU is no longer being negotiated: its text is agreed.';
}

/**
 * The person's access to an MOU they act on in its negotiation: null when the MOU is not theirs, a
 * refusal when `action` is not theirs to do (`refusal` says so) or the MOU is not being negotiated.
 */
export async function negotiatingAccess(sql: Sql, user: SessionUser, mouId: string, action: Action, refusal: string): Promise<Outcome<MouAccess> | null> {
	const checked = await accessToAct(sql, user, mouId, action, refusal);
	if (!checked?.ok) return checked;
	const statusProblem = notNegotiating(checked.value.mou.status);
	return statusProblem ? failure('not_now', statusProblem) : checked;
}

/**
 * Counsel sends the draft as it stands to the other party: a named version with the full stored
 * state, an event on the timeline and an email to each of the other party's counsel.
 */
export async function sendRound(deps: NegotiationDeps, user: SessionUser, mouId: string, now = new Date()): Promise<Outcome<RoundSent> | null> {
	const checked = await negotiatingAccess(deps.sql, user, mouId, 'sendRound', 'Only counsel can send the draft to the other party.');
	if (!checked?.ok) return checked;
	const access = checked.value;
	const side = access.side;
	const recipientSide = otherParty(side);

	const sent = await deps.sql.begin(async (tx) => {
		const locked = await store.lockMou(tx, mouId);
		const problem = locked ? notNegotiating(locked.status) : 'No such MOU.';
		if (problem) return failure(locked ? 'not_now' : 'not_found', problem);
		const [sender, receiver] = await Promise.all([store.partyOrganization(tx, mouId, side), store.partyOrganization(tx, mouId, recipientSide)]);
		if (!sender || !receiver) return failure('not_now', 'The other party has not joined this MOU yet.');
		const snapshot = await snapshotDraft(tx, mouId);
		const latest = await store.latestVersion(tx, mouId);
		if (latest && latest.party === side && latest.throughSeq === snapshot.throughSeq) {
			return failure('not_now', `Nothing has changed since your organization sent the last round.`);
		}
		const round = (await store.countRounds(tx, mouId)) + 1;
		const label = `Round ${round} — sent by ${sender.name}, ${formatDay(now, sender.timeZone)}`;
		const version = await store.insertVersion(tx, {
			mouId,
			kind: 'round',
			label,
			party: side,
			createdBy: user.id,
			...snapshot
		});
		await store.insertEvent(tx, {
			mouId,
			userId: user.id,
			party: side,
			kind: 'round_sent',
			summary: `Sent Round ${round} to ${receiver.name}`,
			detail: { versionId: version.id, round, label }
		});
		await touchActivity(tx, mouId);
		const counsel = await store.recipients(tx, mouId, ['counsel'], recipientSide);
		const mails = await roundSentMails(tx, deps, counsel, {
			mouId,
			title: access.mou.title,
			label,
			number: round,
			senderName: user.name,
			senderOrganization: sender.name,
			senderOrganizationId: sender.id
		});
		const deliver = await deps.mailer.record(tx, mails);
		return { ok: true as const, value: { versionId: version.id, round, label, emailed: mails.length, deliver } };
	});
	if (!sent.ok) return sent;

	sent.value.deliver();
	deps.collab?.notify?.(mouId, 'history');
	const { versionId, round, label, emailed } = sent.value;
	return ok({ versionId, round, label, emailed });
}
