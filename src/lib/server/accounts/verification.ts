import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { verifyPassword } from '$lib/server/auth/passwords';
import { composeEmail } from '$lib/server/mail';
import { normalizeEmail } from '$lib/server/orgs';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import { withinLimit } from '$lib/server/limits';
import { lookUpLink, mailAccountLink, type AccountDeps } from './links';
import * as store from './store';

/**
 * Email addresses are proven by a link mailed to them: at sign-up, on request from the account
 * page, and for a new address (which becomes the account's only once its link is used). Until
 * then the account cannot accept party invitations, be named as a signer or skip a signing code.
 */

const SENDS_PER_HOUR = 5;

const LINK_PROBLEM = {
	expired: 'This confirmation link has expired. Sign in and ask for a new one from your account page.',
	used: 'This confirmation link has already been used.',
	unknown: 'This confirmation link is not valid. Check that you opened the whole address from the email.'
} as const;

export function confirmationProblem(state: keyof typeof LINK_PROBLEM): string {
	return LINK_PROBLEM[state];
}

/** Mails a link confirming the account's own address (sign-up, or "send it again"). */
export async function sendVerification(deps: AccountDeps, userId: string, now = new Date()): Promise<Outcome<{ email: string }>> {
	const account = await store.findAccount(deps.sql, userId);
	if (!account) return failure('not_found', 'No such account.');
	if (account.emailVerified) return failure('not_now', 'Your email address is already confirmed.');
	if (!(await withinLimit(deps.sql, 'verify', [{ key: userId, max: SENDS_PER_HOUR }], now))) {
		return failure('rate_limited', 'We have sent several links in the last hour. Check your inbox (and spam folder), or try again later.');
	}
	await mailAccountLink(
		deps,
		account,
		'verify_email',
		account.email,
		{
			subject: 'Confirm your email address for MOU Studio',
			paragraphs: [
				'Confirm that this address is yours to finish setting up your MOU Studio account.',
				'Until you do, you can sign in and read drafts, but not send invitations, join an MOU as a party, be named to sign one, or sign without an emailed code. The link works once, for 24 hours.',
				'If you did not create an account, ignore this email.'
			],
			label: 'Confirm my address'
		},
		now
	);
	return ok({ email: account.email });
}

/** A signed-in person asks to use another address; it is theirs once they follow the link mailed to it. */
export async function requestEmailChange(
	deps: AccountDeps,
	user: SessionUser,
	input: { email: unknown; password: unknown },
	now = new Date()
): Promise<Outcome<{ email: string }>> {
	const email = normalizeEmail(input.email);
	if (!email) return invalid({ email: 'Enter a valid email address.' });
	if (email === user.email) return invalid({ email: 'That is already your address.' });
	const account = await store.findAccount(deps.sql, user.id);
	if (!account || typeof input.password !== 'string' || !(await verifyPassword(account.passwordHash, input.password))) {
		return invalid({ currentPassword: 'That is not your current password.' });
	}
	if (await store.emailTaken(deps.sql, email)) return invalid({ email: 'Another account uses this address.' });
	if (!(await withinLimit(deps.sql, 'verify', [{ key: user.id, max: SENDS_PER_HOUR }], now))) {
		return failure('rate_limited', 'We have sent several links in the last hour. Try again later.');
	}
	await store.retireTokens(deps.sql, user.id, 'verify_email', now);
	await mailAccountLink(
		deps,
		account,
		'verify_email',
		email,
		{
			subject: 'Confirm your new email address for MOU Studio',
			paragraphs: [
				`You asked to use this address for your MOU Studio account instead of ${user.email}.`,
				'Your account keeps its current address until you confirm. The link works once, for 24 hours.',
				'If you did not ask for this, ignore this email.'
			],
			label: 'Confirm my new address'
		},
		now
	);
	return ok({ email });
}

/** Following the link (a button on its page: a mail scanner's GET confirms nothing). */
export async function confirmEmail(
	deps: AccountDeps,
	token: unknown,
	now = new Date()
): Promise<Outcome<{ userId: string; email: string; changedFrom: string | null }>> {
	const found = await lookUpLink(deps.sql, 'verify_email', token, now);
	if (found.state !== 'valid') return failure('not_now', LINK_PROBLEM[found.state]);
	const { token: row } = found;
	const outcome = await deps.sql.begin(async (tx): Promise<Outcome<{ userId: string; email: string; changedFrom: string | null }>> => {
		const account = await store.findAccount(tx, row.userId);
		if (!account || !(await store.claimToken(tx, row.id, now))) return failure('not_now', LINK_PROBLEM.used);
		const changing = account.email !== row.email;
		if (changing && (await store.emailTaken(tx, row.email))) return failure('not_now', 'Another account now uses this address, so it cannot be yours too.');
		await store.setVerifiedEmail(tx, account.id, row.email, now);
		return ok({ userId: account.id, email: row.email, changedFrom: changing ? account.email : null });
	});
	if (outcome.ok && outcome.value.changedFrom) await tellOldAddress(deps, outcome.value.changedFrom, outcome.value.email, outcome.value.userId);
	return outcome;
}

/** The old address hears of the change, so a taken-over account does not change hands silently. */
async function tellOldAddress(deps: AccountDeps, oldEmail: string, newEmail: string, userId: string) {
	const account = await store.findAccount(deps.sql, userId);
	const body = composeEmail({
		greeting: `Hello ${account?.name ?? ''},`.replace(' ,', ','),
		paragraphs: [
			`Your MOU Studio account now uses ${newEmail} instead of this address.`,
			'If you did not make this change, tell your organization’s administrator at once.'
		]
	});
	await deps.mailer.send({ to: oldEmail, subject: 'Your MOU Studio email address was changed', ...body, organizationId: null });
}

export async function lookUpConfirmation(sql: Sql, token: unknown, now = new Date()) {
	const found = await lookUpLink(sql, 'verify_email', token, now);
	return found.state === 'valid' ? { state: 'valid' as const, email: found.token.email } : { state: found.state, problem: LINK_PROBLEM[found.state] };
}
