import type { SessionUser } from '$lib/server/auth';
import type { Tx } from '$lib/server/db';
import { ownPartyName, touchActivity, transitionStatus, type MouAccess } from '$lib/server/mous';
import { failure, ok, type Outcome } from '$lib/errors';
import type { NegotiationDeps } from './deps';
import { formatDay } from './dates';
import { agreedMails } from './mail';
import { approvalBlockers } from './readiness';
import { reviewDraftBlockers } from '$lib/server/reviews';
import { negotiatingAccess, notNegotiating } from './rounds';
import { snapshotDraft, type DraftSnapshot } from './snapshot';
import * as store from './store';

export interface Approved {
	/** True when this approval was the second one: the MOU is now agreed and frozen. */
	agreed: boolean;
	agreedVersionId: string | null;
	agreedLabel: string | null;
}

/**
 * Counsel approves the draft as stored for their party. Checked and recorded with the MOU row
 * locked FOR UPDATE: edits (whose trigger takes FOR SHARE and deletes approvals) are ordered
 * before or after it, never in between. When both parties approve the same state, it is agreed.
 */
export async function approveDraft(deps: NegotiationDeps, user: SessionUser, mouId: string, now = new Date()): Promise<Outcome<Approved> | null> {
	const checked = await negotiatingAccess(deps.sql, user, mouId, 'approve', 'Only counsel can approve the draft for their party.');
	if (!checked?.ok) return checked;
	const access = checked.value;

	const outcome = await deps.sql.begin(async (tx): Promise<Outcome<Approved & { deliver?: () => void }>> => {
		const locked = await store.lockMou(tx, mouId);
		const problem = locked ? notNegotiating(locked.status) : 'No such MOU.';
		if (problem) return failure(locked ? 'not_now' : 'not_found', problem);
		const approvals = await store.listApprovals(tx, mouId);
		if (approvals.some((a) => a.party === access.side)) {
			return failure('not_now', `${ownPartyName(access)} has already approved this version.`);
		}
		const snapshot = await snapshotDraft(tx, mouId);
		// A review draft can only be agreed once its review's record holds what the state's law requires.
		const problems = [...approvalBlockers(snapshot.state, access.mou), ...(await reviewDraftBlockers(tx, mouId))];
		if (problems.length > 0) {
			// Each thing still missing on its own line for the page.
			return failure('not_now', `This version cannot be approved yet: ${problems.join(' ')}`, { problems });
		}
		if (!(await store.insertApproval(tx, { mouId, party: access.side, userId: user.id, throughSeq: snapshot.throughSeq }))) {
			return failure('not_now', `${ownPartyName(access)} has already approved this version.`);
		}
		await store.insertEvent(tx, {
			mouId,
			userId: user.id,
			party: access.side,
			kind: 'approved',
			summary: `Approved the draft for ${ownPartyName(access)}`,
			detail: { throughSeq: snapshot.throughSeq, sha256: snapshot.sha256 }
		});
		const other = approvals.find((a) => a.party !== access.side);
		if (other && other.throughSeq !== snapshot.throughSeq) {
			// Given to an earlier state (the edit's trigger should already have removed it): it must not
			// stand for this text, nor leave the other party unable to approve again.
			await store.deleteApproval(tx, mouId, other.party);
			await store.insertEvent(tx, {
				mouId,
				userId: other.userId,
				party: other.party,
				kind: 'approval_withdrawn',
				summary: 'Approval withdrawn: the draft changed after it was given'
			});
		}
		if (!other || other.throughSeq !== snapshot.throughSeq) {
			await touchActivity(tx, mouId);
			return ok({ agreed: false, agreedVersionId: null, agreedLabel: null });
		}
		const agreed = await recordAgreement(tx, mouId, user, access, snapshot, now);
		// The mail is recorded with the agreement (both or neither) and sent after the answer.
		const people = await store.recipients(tx, mouId, ['counsel', 'signatory'], null);
		const deliver = await deps.mailer.record(tx, await agreedMails(tx, deps, people, { mouId, title: access.mou.title, label: agreed.label }));
		return ok({ agreed: true, agreedVersionId: agreed.id, agreedLabel: agreed.label, deliver });
	});

	if (!outcome.ok) return outcome;
	const { deliver, ...approved } = outcome.value;
	deps.collab?.notify?.(mouId, 'history');
	if (approved.agreed) deps.collab?.notify?.(mouId, 'status');
	deliver?.();
	return ok(approved);
}

/** Freezes the text: status agreed (the database then refuses any edit) and the agreed version stored. */
async function recordAgreement(tx: Tx, mouId: string, user: SessionUser, access: MouAccess, snapshot: DraftSnapshot, now: Date) {
	// The row is locked and was negotiating: the move cannot be lost to another request.
	if (!(await transitionStatus(tx, mouId, 'negotiating', 'agreed'))) throw new Error(`MOU ${mouId} stopped negotiating while it was being agreed.`);
	const organization = await store.partyOrganization(tx, mouId, access.side);
	const label = `Agreed version — ${formatDay(now, organization?.timeZone ?? 'UTC')}`;
	const version = await store.insertVersion(tx, {
		mouId,
		kind: 'agreed',
		label,
		party: null,
		createdBy: user.id,
		...snapshot
	});
	await store.insertEvent(tx, {
		mouId,
		userId: user.id,
		party: access.side,
		kind: 'agreed',
		summary: 'Both parties approved the same version: the text is agreed and frozen for signature',
		detail: { versionId: version.id, label, throughSeq: snapshot.throughSeq, sha256: snapshot.sha256 }
	});
	return { id: version.id, label };
}

/** Counsel takes back their party's approval (before the text is agreed). */
export async function withdrawApproval(deps: NegotiationDeps, user: SessionUser, mouId: string): Promise<Outcome<{ withdrawn: true }> | null> {
	const checked = await negotiatingAccess(deps.sql, user, mouId, 'withdrawApproval', 'Only counsel can withdraw their party’s approval.');
	if (!checked?.ok) return checked;
	const access = checked.value;
	const outcome = await deps.sql.begin(async (tx): Promise<Outcome<{ withdrawn: true }>> => {
		const locked = await store.lockMou(tx, mouId);
		const problem = locked ? notNegotiating(locked.status) : 'No such MOU.';
		if (problem) return failure(locked ? 'not_now' : 'not_found', problem);
		if (!(await store.deleteApproval(tx, mouId, access.side))) return failure('not_now', 'Your party has not approved this version.');
		await store.insertEvent(tx, {
			mouId,
			userId: user.id,
			party: access.side,
			kind: 'approval_withdrawn',
			summary: `Withdrew the approval of ${ownPartyName(access)}`
		});
		return ok({ withdrawn: true as const });
	});
	if (outcome.ok) deps.collab?.notify?.(mouId, 'history');
	return outcome;
}
