import type { SessionUser } from '$lib/server/auth';
import { failure, type Failure, type Outcome } from '$lib/errors';
import { hashToken } from '$lib/server/auth';
import type { Tx } from '$lib/server/db';
import type { AuditInput } from './audit';
import { appendAll, loadMouContext, type MouContext } from './context';
import type { RequestContext, SigningDeps } from './deps';
import { flushMessages } from './mail';
import * as store from './store';

// One ceremony step: the link resolved and re-checked, rows locked, audit entries appended, mail sent after commit.

export const CODE_LIFETIME_MS = 10 * 60 * 1000;
export const CODE_MAX_FAILURES = 5;
export const CODE_RESEND_AFTER_MS = 60 * 1000;
export const CODES_PER_HOUR = 5;
export const CEREMONY_LIFETIME_MS = 4 * 60 * 60 * 1000;
export const ACCESS_MAX_FAILURES = 5;
/** Wrong codes across all codes of one signer: past this, new codes stop (guessing would otherwise go on for months). */
export const CODE_MAX_TOTAL_FAILURES = 15;
export const TOO_MANY_CODES = 'Too many wrong codes were entered for this signing link. Ask the sender to void this request and send a new one.';
export const ACCESS_LOCK_MS = 30 * 60 * 1000;

export interface CeremonyInput extends RequestContext {
	/** The ceremony cookie's value, if the browser has one. */
	ceremonyToken?: string | null;
	user?: SessionUser | null;
}

export type LinkState = 'unknown' | 'expired' | 'voided' | 'ended' | 'signed' | 'declined' | 'not_yet' | 'active';

export type Step = 'authenticate' | 'access' | 'consent' | 'sign';

interface Resolved {
	state: LinkState;
	link: store.LinkRow | null;
	request: store.RequestRow | null;
	signer: store.SignerRow | null;
}

export async function resolveLink(sql: SigningDeps['sql'] | Tx, token: string, now: Date): Promise<Resolved> {
	const none: Resolved = { state: 'unknown', link: null, request: null, signer: null };
	if (typeof token !== 'string' || token.length < 20 || token.length > 100) return none;
	const link = await store.findLink(sql, hashToken(token));
	if (!link || link.purpose !== 'sign' || !link.signerId) return none;
	const request = await store.findRequest(sql, link.requestId);
	const signer = request ? ((await store.listSigners(sql, request.id)).find((s) => s.id === link.signerId) ?? null) : null;
	if (!request || !signer) return none;
	return { state: linkState(request, signer, link, now), link, request, signer };
}

function linkState(request: store.RequestRow, signer: store.SignerRow, link: store.LinkRow, now: Date): LinkState {
	if (signer.status === 'signed') return 'signed';
	if (signer.status === 'declined') return 'declined';
	if (request.status === 'voided') return 'voided';
	if (request.status === 'declined' || request.status === 'completed') return 'ended';
	if (request.status === 'expired' || request.expiresAt <= now || link.expiresAt <= now) return 'expired';
	if (signer.status === 'waiting') return 'not_yet';
	return 'active';
}

export const STATE_MESSAGE: Record<Exclude<LinkState, 'active'>, string> = {
	unknown: 'This signing link is not valid. Check that you opened the whole address from the email.',
	expired: 'This signing request has expired. If the MOU still needs your signature, ask the sender for a new request.',
	voided: 'The sender withdrew (voided) this signing request. Nothing more is needed from you; any new request will come by email.',
	ended: 'This signing request has ended: another signer declined, so it can no longer be signed. The parties will be in touch.',
	signed: 'You have signed. Thank you — nothing more is needed from you.',
	declined: 'You declined to sign. The parties have been told.',
	not_yet: 'It is not your turn to sign yet. You will receive an email when it is.'
};

export function linkStateMessage(state: Exclude<LinkState, 'active'>): string {
	return STATE_MESSAGE[state];
}

export async function validCeremony(sql: SigningDeps['sql'] | Tx, signer: store.SignerRow, token: string | null | undefined, now: Date) {
	if (!token) return null;
	const ceremony = await store.findCeremony(sql, hashToken(token));
	return ceremony && ceremony.signerId === signer.id && ceremony.expiresAt > now ? ceremony : null;
}

export function stepFor(signer: store.SignerRow, ceremony: store.CeremonyRow | null): Step {
	if (!ceremony) return 'authenticate';
	if (signer.accessCodeHash && !ceremony.accessOk) return 'access';
	if (!signer.consentedAt) return 'consent';
	return 'sign';
}

export function signerAudit(
	context: MouContext,
	request: store.RequestRow,
	signer: store.SignerRow,
	kind: string,
	input: RequestContext,
	detail?: Record<string, unknown>
): AuditInput {
	return {
		mouId: context.mou.id,
		requestId: request.id,
		kind,
		actor: signer.name,
		actorEmail: signer.email,
		party: signer.party,
		signerId: signer.id,
		ipAddress: input.ipAddress,
		userAgent: input.userAgent,
		detail
	};
}

/** A step refused: about one field of the form (its message shown there), or about where the signer stands. */
export const fail = (message: string, field?: string): Failure =>
	field ? failure('invalid_input', message, { fields: { [field]: message } }) : failure('not_now', message);

/**
 * Runs one step in a transaction with the request and signer rows locked and the link re-checked.
 * `needs` says how far the signer must already be; audit entries returned by the step are
 * appended last. Emails it queued go out after commit.
 */
export async function step<T>(
	deps: SigningDeps,
	token: string,
	input: CeremonyInput,
	now: Date,
	needs: 'link' | 'ceremony' | 'access' | 'consent',
	body: (s: { tx: Tx; request: store.RequestRow; signer: store.SignerRow; ceremony: store.CeremonyRow | null; context: MouContext }) => Promise<{
		result: Outcome<T>;
		audits: AuditInput[];
		/** Runs in the transaction once the audits are appended. */ afterAudits?: (tx: Tx) => Promise<void>;
	}>
): Promise<Outcome<T>> {
	const first = await resolveLink(deps.sql, token, now);
	if (first.state !== 'active') return fail(first.state === 'unknown' ? STATE_MESSAGE.unknown : STATE_MESSAGE[first.state]);
	let requestId: string | null = null;
	const result = await deps.sql.begin(async (tx): Promise<Outcome<T>> => {
		const request = await store.lockRequest(tx, first.request!.id);
		const signer = await store.lockSigner(tx, first.signer!.id);
		if (!request || !signer) return fail(STATE_MESSAGE.unknown);
		const state = linkState(request, signer, first.link!, now);
		if (state !== 'active') return fail(STATE_MESSAGE[state]);
		const ceremony = await validCeremony(tx, signer, input.ceremonyToken, now);
		if (needs !== 'link') {
			if (!ceremony) return fail('Confirm it is you first: enter the code we emailed you.');
			if (needs !== 'ceremony' && signer.accessCodeHash && !ceremony.accessOk) return fail('Enter the access code you were given first.');
			if (needs === 'consent' && !signer.consentedAt) return fail('Agree to the electronic records disclosure first.');
		}
		const context = (await loadMouContext(tx, request.mouId, await store.findVersion(tx, request.versionId)))!;
		// Any step is a person at the page: the first one also counts as opening the link.
		const firstView = !signer.viewedAt && (await store.markViewed(tx, signer.id, now));
		const outcome = await body({ tx, request, signer, ceremony, context });
		await appendAll(tx, [...(firstView ? [signerAudit(context, request, signer, 'viewed', input)] : []), ...outcome.audits], now);
		await outcome.afterAudits?.(tx);
		requestId = request.id;
		return outcome.result;
	});
	if (requestId) await flushMessages(deps, requestId, now);
	return result;
}
