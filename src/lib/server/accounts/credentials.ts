import type { Sql } from '$lib/server/db';
import { changePassword as setNewPassword, type SessionUser } from '$lib/server/auth';
import { hashPassword, passwordProblem, verifyPassword } from '$lib/server/auth/passwords';
import { normalizeEmail } from '$lib/server/orgs';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import { withinLimit } from '$lib/server/limits';
import { lookUpLink, mailAccountLink, type AccountDeps } from './links';
import * as store from './store';

/**
 * Forgotten and changed passwords. A reset link works once, for an hour; using it ends every
 * session of the account. Asking for one answers the same whether or not the address has an
 * account, and is limited per address and per client address.
 */

export const RESETS_PER_EMAIL_PER_HOUR = 3;
export const RESETS_PER_CLIENT_PER_HOUR = 20;

export const RESET_REQUESTED = 'If an account uses that address, we have emailed it a link to choose a new password. The link works once, within an hour.';

const LINK_PROBLEM = {
	expired: 'This reset link has expired (links last an hour). Ask for a new one.',
	used: 'This reset link has already been used. Ask for a new one if you still need it.',
	unknown: 'This reset link is not valid. Check that you opened the whole address from the email.'
} as const;

export async function requestPasswordReset(
	deps: AccountDeps,
	input: { email: unknown },
	clientAddress: string,
	now = new Date()
): Promise<Outcome<{ message: string }>> {
	const email = normalizeEmail(input.email);
	if (!email) return invalid({ email: 'Enter the email address you sign in with.' });
	const allowed = await withinLimit(
		deps.sql,
		'reset',
		[
			{ key: `email:${email}`, max: RESETS_PER_EMAIL_PER_HOUR },
			{ key: `client:${clientAddress}`, max: RESETS_PER_CLIENT_PER_HOUR }
		],
		now
	);
	if (!allowed) return failure('rate_limited', 'Too many reset requests. Wait an hour and try again.');
	const account = await store.findMemberAccountByEmail(deps.sql, email);
	if (account) {
		await mailAccountLink(
			deps,
			account,
			'reset_password',
			email,
			{
				subject: 'Reset your MOU Studio password',
				paragraphs: [
					'Someone (we hope you) asked to reset the password of your MOU Studio account.',
					'Choose a new one with the link below: it works once, within an hour, and signs you out everywhere.',
					'If you did not ask for this, ignore this email; your password stays as it is.'
				],
				label: 'Choose a new password'
			},
			now
		);
	}
	return ok({ message: RESET_REQUESTED });
}

export async function lookUpReset(sql: Sql, token: unknown, now = new Date()) {
	const found = await lookUpLink(sql, 'reset_password', token, now);
	return found.state === 'valid' ? { state: 'valid' as const, email: found.token.email } : { state: found.state, problem: LINK_PROBLEM[found.state] };
}

/** Sets the new password, ends every session and every other reset link; the address is proven by the way. */
export async function resetPassword(
	deps: Pick<AccountDeps, 'sql'>,
	token: unknown,
	input: { password: unknown },
	now = new Date()
): Promise<Outcome<{ userId: string }>> {
	const found = await lookUpLink(deps.sql, 'reset_password', token, now);
	if (found.state !== 'valid') return failure('not_now', LINK_PROBLEM[found.state]);
	const password = typeof input.password === 'string' ? input.password : '';
	const weak = passwordProblem(password);
	if (weak) return invalid({ password: weak });
	const passwordHash = await hashPassword(password);
	const row = found.token;
	return deps.sql.begin(async (tx): Promise<Outcome<{ userId: string }>> => {
		const account = await store.findAccount(tx, row.userId);
		if (!account || !(await store.claimToken(tx, row.id, now))) return failure('not_now', LINK_PROBLEM.used);
		await store.setPasswordHash(tx, account.id, passwordHash);
		await store.deleteSessions(tx, account.id);
		await store.retireTokens(tx, account.id, 'reset_password', now);
		if (!account.emailVerified && account.email === row.email) await store.setVerifiedEmail(tx, account.id, row.email, now);
		return ok({ userId: account.id });
	});
}

/** A signed-in person changes their password with their current one; every session ends (the caller starts a new one here). */
export async function changePassword(sql: Sql, user: SessionUser, input: { currentPassword: unknown; password: unknown }): Promise<Outcome> {
	const account = await store.findAccount(sql, user.id);
	if (!account || typeof input.currentPassword !== 'string' || !(await verifyPassword(account.passwordHash, input.currentPassword))) {
		return invalid({ currentPassword: 'That is not your current password.' });
	}
	return setNewPassword(sql, user.id, typeof input.password === 'string' ? input.password : '');
}
