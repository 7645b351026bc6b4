import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { generateToken, hashToken } from '$lib/server/auth';
import { failure, ok, type Outcome } from '$lib/errors';
import { continueWithAccount, type CeremonyInput, type CeremonyStarted } from './ceremony';
import type { SigningDeps } from './deps';
import { SIGNING_PATH } from './context';
import { roleMaySign } from './eligibility';
import * as store from './store';

/**
 * A signatory's own pending signatures, on their dashboard: no forwarded link needed. Only for an
 * account that proved its address and belongs to the party the signer signs for in a role that
 * fits the capacity (`roleMaySign`) — the rule that lets a signed-in signer skip the emailed code.
 */

export interface PendingSignature {
	signerId: string;
	mouId: string;
	mouTitle: string;
	signingAs: string;
	expiresAt: string;
}

export async function listMySignatures(sql: Sql, user: SessionUser, now = new Date()): Promise<PendingSignature[]> {
	if (!user.emailVerified) return [];
	const rows = (await store.pendingSignaturesOf(sql, user.id, user.email, now)).filter((r) => roleMaySign(r.role, r.capacity));
	return rows.map((r) => ({ signerId: r.signerId, mouId: r.mouId, mouTitle: r.mouTitle, signingAs: r.title, expiresAt: r.expiresAt.toISOString() }));
}

/** "Sign now": a fresh personal link for this signer, opened with the account (no code), ready to go. */
export async function signFromDashboard(
	deps: SigningDeps,
	user: SessionUser,
	signerId: unknown,
	input: CeremonyInput,
	now = new Date()
): Promise<Outcome<{ path: string; token: string; ceremony: CeremonyStarted }>> {
	const mine = await listMySignatures(deps.sql, user, now);
	const pending = mine.find((p) => p.signerId === signerId);
	if (!pending) return failure('not_found', 'There is no signature waiting for you there (it may be signed, ended, or not your turn yet).');
	const token = generateToken();
	const signer = (await store.pendingSignaturesOf(deps.sql, user.id, user.email, now)).find((r) => r.signerId === pending.signerId)!;
	await store.insertLink(deps.sql, {
		requestId: signer.requestId,
		signerId: signer.signerId,
		recipientId: null,
		purpose: 'sign',
		tokenHash: hashToken(token),
		createdAt: now,
		expiresAt: signer.expiresAt
	});
	const started = await continueWithAccount(deps, token, { ...input, user }, now);
	if (!started.ok) return started;
	return ok({ path: SIGNING_PATH(token), token, ceremony: started.value });
}
