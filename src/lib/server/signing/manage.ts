import type { SessionUser } from '$lib/server/auth';
import { cleanText } from '$lib/server/orgs';
import { accessToAct, transitionStatus } from '$lib/server/mous';
import { appendAudit } from './audit';
import { queueEndNotices } from './ceremony';
import { appendAll, loadMouContext } from './context';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import type { RequestContext, SigningDeps } from './deps';
import { flushMessages } from './mail';
import * as store from './store';

/** Counsel of either party withdraws the open request, with a reason; every signer who had a link is told. */
export async function voidRequest(
	deps: SigningDeps,
	user: SessionUser,
	mouId: string,
	input: { reason: unknown },
	requestContext: RequestContext,
	now = new Date()
): Promise<Outcome<{ requestId: string }> | null> {
	const checked = await accessToAct(deps.sql, user, mouId, 'voidSigning', 'Only counsel of a party can void a signing request.');
	if (!checked?.ok) return checked;
	const access = checked.value;
	const reason = cleanText(input.reason, 1000);
	if (reason.length < 3) return invalid({ reason: 'Give the reason for voiding; every signer will see it.' });
	const open = await store.findOpenRequest(deps.sql, mouId);
	if (!open) return failure('not_now', 'There is no signing request to void.');
	const outcome = await deps.sql.begin(async (tx): Promise<Outcome<{ requestId: string }>> => {
		const request = await store.lockRequest(tx, open.id);
		if (!request || request.status !== 'out') return failure('not_now', 'The signing request has already ended.');
		const context = (await loadMouContext(tx, mouId, await store.findVersion(tx, request.versionId)))!;
		await store.endRequest(tx, request.id, 'voided', now, user.id, reason);
		await transitionStatus(tx, mouId, 'signing', 'agreed');
		await queueEndNotices(tx, { request, context, kind: 'voided', who: `${user.name} (${user.organizationName})`, reason, origin: deps.origin }, now);
		await appendAll(
			tx,
			[
				{
					mouId,
					requestId: request.id,
					kind: 'voided',
					actor: user.name,
					actorEmail: user.email,
					party: access.side,
					ipAddress: requestContext.ipAddress,
					userAgent: requestContext.userAgent,
					detail: { reason }
				}
			],
			now
		);
		return ok({ requestId: request.id });
	});
	if (outcome.ok) {
		deps.collab?.notify?.(mouId, 'status');
		await flushMessages(deps, outcome.value.requestId, now);
	}
	return outcome;
}

/**
 * Records a download of a signed MOU's records (the certificate, the signed document) in the
 * audit trail. For the export feature's routes too.
 */
export async function recordDownload(
	sql: SigningDeps['sql'],
	mouId: string,
	who: { name: string; email: string | null; party?: string | null },
	what: string,
	requestContext: RequestContext,
	now = new Date()
) {
	const request = await store.findCompletedRequest(sql, mouId);
	await appendAudit(
		sql,
		{
			mouId,
			requestId: request?.id ?? null,
			kind: 'downloaded',
			actor: who.name,
			actorEmail: who.email,
			party: who.party ?? null,
			ipAddress: requestContext.ipAddress,
			userAgent: requestContext.userAgent,
			detail: { what }
		},
		now
	);
}
