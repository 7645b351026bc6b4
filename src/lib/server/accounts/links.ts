import type { Sql } from '$lib/server/db';
import { generateToken, hashToken } from '$lib/server/auth';
import { composeEmail, type Mailer } from '$lib/server/mail';
import * as store from './store';

export interface AccountDeps {
	sql: Sql;
	mailer: Mailer;
	/** The site's origin, for the links in the mail. */
	origin: string;
}

export const VERIFY_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const RESET_LIFETIME_MS = 60 * 60 * 1000;

const PATH: Record<store.Purpose, string> = { verify_email: '/account/verify/', reset_password: '/account/reset/' };

/** What a link in the mail looks like to the person who opens it. */
export type LinkState = { state: 'valid'; token: store.TokenRow } | { state: 'expired' | 'used' | 'unknown' };

export async function lookUpLink(sql: Sql, purpose: store.Purpose, token: unknown, now = new Date()): Promise<LinkState> {
	if (typeof token !== 'string' || token.length < 20 || token.length > 100) return { state: 'unknown' };
	const row = await store.findToken(sql, hashToken(token));
	if (!row || row.purpose !== purpose) return { state: 'unknown' };
	if (row.usedAt) return { state: 'used' };
	if (row.expiresAt <= now) return { state: 'expired' };
	return { state: 'valid', token: row };
}

/**
 * Mails a single-use link about an account to `email`. It is a proof (the mailer keeps it out of
 * every inbox but that account's, and out of the app entirely when a mail server delivers it).
 * Delivery is not awaited: the answer takes about as long whether or not there is an account.
 */
export async function mailAccountLink(
	deps: AccountDeps,
	account: { id: string; name: string },
	purpose: store.Purpose,
	email: string,
	text: { subject: string; paragraphs: string[]; label: string },
	now = new Date()
): Promise<void> {
	const token = generateToken();
	const lifetime = purpose === 'reset_password' ? RESET_LIFETIME_MS : VERIFY_LIFETIME_MS;
	await store.insertToken(deps.sql, { userId: account.id, purpose, email, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + lifetime) });
	const body = composeEmail({
		greeting: `Hello ${account.name},`,
		paragraphs: text.paragraphs,
		action: { label: text.label, url: `${deps.origin}${PATH[purpose]}${token}` }
	});
	await deps.mailer.queue({ to: email, subject: text.subject, ...body, organizationId: null, proofFor: account.id });
}
