import { ok, type Outcome } from '$lib/errors';
import { generateToken, hashToken } from '$lib/server/auth';
import type { Tx } from '$lib/server/db';
import { DISCLOSURE_VERSION } from '$lib/signing/disclosure';
import { formatWhen, maskEmail } from './context';
import { accountProblem } from './eligibility';
import type { SigningDeps } from './deps';
import { queueMail } from './mail';
import { accessCodeHash, newOneTimeCode, oneTimeCodeHash, sameHash } from './secrets';
import * as store from './store';
import {
	ACCESS_LOCK_MS,
	ACCESS_MAX_FAILURES,
	CEREMONY_LIFETIME_MS,
	CODES_PER_HOUR,
	CODE_LIFETIME_MS,
	CODE_MAX_FAILURES,
	CODE_MAX_TOTAL_FAILURES,
	CODE_RESEND_AFTER_MS,
	type CeremonyInput,
	TOO_MANY_CODES,
	fail,
	signerAudit,
	step
} from './ceremony-step';

// Proving who the signer is: the emailed code or their account, the access code, the consumer disclosure.

/** Emails a fresh six-digit code (at most one a minute and five an hour). */
export async function requestCode(deps: SigningDeps, token: string, input: CeremonyInput, now = new Date()): Promise<Outcome<{ sentTo: string }>> {
	return step<{ sentTo: string }>(deps, token, input, now, 'link', async ({ tx, request, signer, context }) => {
		if ((await store.totalCodeFailures(tx, signer.id)) >= CODE_MAX_TOTAL_FAILURES) return { result: fail(TOO_MANY_CODES), audits: [] };
		const recent = await store.recentCodes(tx, signer.id, new Date(now.getTime() - 60 * 60 * 1000));
		const latest = recent[0];
		if (latest && now.getTime() - latest.createdAt.getTime() < CODE_RESEND_AFTER_MS) {
			const seconds = Math.ceil((CODE_RESEND_AFTER_MS - (now.getTime() - latest.createdAt.getTime())) / 1000);
			return { result: fail(`A code was sent less than a minute ago. Check your inbox (and spam folder), or ask again in ${seconds} seconds.`), audits: [] };
		}
		if (recent.length >= CODES_PER_HOUR) {
			return { result: fail(`You have asked for ${CODES_PER_HOUR} codes in the last hour. Please wait a while, or ask the sender for help.`), audits: [] };
		}
		const code = newOneTimeCode();
		const codeId = await store.insertCode(tx, signer.id, oneTimeCodeHash(signer.id, code), now, new Date(now.getTime() + CODE_LIFETIME_MS));
		await queueMail(
			tx,
			{
				requestId: request.id,
				signerId: signer.id,
				kind: 'code',
				dedupeKey: `code:${codeId}`,
				to: signer.email,
				// Never the code itself: subjects show in notifications, lock screens and mail logs.
				subject: 'Your MOU Studio signing code',
				greeting: `Hello ${signer.name},`,
				paragraphs: [
					`Your one-time code to open “${context.mou.title}” for signature is ${code}.`,
					'It works once, for 10 minutes. If you did not ask for it, someone may have your signing link: do not share the code, and tell the sender.'
				]
			},
			now
		);
		return { result: ok({ sentTo: maskEmail(signer.email) }), audits: [signerAudit(context, request, signer, 'code_sent', input, { to: signer.email })] };
	});
}

async function startCeremony(tx: Tx, signer: store.SignerRow, method: 'email_code' | 'account', now: Date) {
	const ceremonyToken = generateToken();
	const expiresAt = new Date(now.getTime() + CEREMONY_LIFETIME_MS);
	await store.insertCeremony(tx, {
		signerId: signer.id,
		tokenHash: hashToken(ceremonyToken),
		method,
		accessOk: !signer.accessCodeHash,
		createdAt: now,
		expiresAt
	});
	return { ceremonyToken, expiresAt };
}

export type CeremonyStarted = { ceremonyToken: string; expiresAt: Date };

/** Checks the emailed code; five wrong tries lock it (ask for a new one). */
export async function verifyCode(deps: SigningDeps, token: string, code: unknown, input: CeremonyInput, now = new Date()): Promise<Outcome<CeremonyStarted>> {
	const typed = typeof code === 'string' ? code.replace(/\s+/g, '') : '';
	if (!/^\d{6}$/.test(typed)) return fail('Enter the 6-digit code from the email.', 'code');
	return step<CeremonyStarted>(deps, token, input, now, 'link', async ({ tx, request, signer, context }) => {
		const latest = await store.lockLatestCode(tx, signer.id);
		if (!latest) return { result: fail('Ask for a code first.', 'code'), audits: [] };
		if (latest.usedAt) return { result: fail('This code was already used. Ask for a new one.', 'code'), audits: [] };
		if (latest.failures >= CODE_MAX_FAILURES) return { result: fail('This code is locked after too many wrong tries. Ask for a new one.', 'code'), audits: [] };
		if ((await store.totalCodeFailures(tx, signer.id)) >= CODE_MAX_TOTAL_FAILURES) return { result: fail(TOO_MANY_CODES, 'code'), audits: [] };
		if (latest.expiresAt <= now) return { result: fail('This code has expired (codes last 10 minutes). Ask for a new one.', 'code'), audits: [] };
		if (!sameHash(latest.codeHash, oneTimeCodeHash(signer.id, typed))) {
			const failures = await store.recordCodeFailure(tx, latest.id);
			const left = CODE_MAX_FAILURES - failures;
			const audits = [signerAudit(context, request, signer, 'code_failed', input, { triesLeft: Math.max(0, left) })];
			if (left <= 0) {
				audits.push(signerAudit(context, request, signer, 'code_locked', input));
				return { result: fail('That code is wrong, and the code is now locked after 5 wrong tries. Ask for a new one.', 'code'), audits };
			}
			return { result: fail(`That code is wrong. ${left} ${left === 1 ? 'try' : 'tries'} left.`, 'code'), audits };
		}
		await store.markCodeUsed(tx, latest.id, now);
		const started = await startCeremony(tx, signer, 'email_code', now);
		return { result: ok(started), audits: [signerAudit(context, request, signer, 'code_verified', input, { method: 'email_code' })] };
	});
}

/** A signer already signed in to MOU Studio with the signer's address needs no emailed code. */
export async function continueWithAccount(deps: SigningDeps, token: string, input: CeremonyInput, now = new Date()): Promise<Outcome<CeremonyStarted>> {
	return step<CeremonyStarted>(deps, token, input, now, 'link', async ({ tx, request, signer, context }) => {
		// Only the account whose address is the signer's, proved, and a member of the party the
		// signer signs for in a role that fits the capacity: an address typed at sign-up proves nothing.
		const user = input.user;
		const problem = await accountProblem(tx, request.mouId, signer, user);
		if (problem || !user) return { result: fail(problem ?? 'You are not signed in as this signer. Use the emailed code instead.'), audits: [] };
		const started = await startCeremony(tx, signer, 'account', now);
		return { result: ok(started), audits: [signerAudit(context, request, signer, 'account_verified', input, { userId: user.id })] };
	});
}

export async function verifyAccessCode(deps: SigningDeps, token: string, code: unknown, input: CeremonyInput, now = new Date()): Promise<Outcome> {
	const typed = typeof code === 'string' ? code.trim() : '';
	if (!typed) return fail('Enter the access code the sender gave you.', 'accessCode');
	return step<void>(deps, token, input, now, 'ceremony', async ({ tx, request, signer, ceremony, context }) => {
		if (!signer.accessCodeHash || ceremony!.accessOk) return { result: ok(), audits: [] };
		if (signer.accessLockedUntil && signer.accessLockedUntil > now) {
			return {
				result: fail(`Too many wrong access codes. Try again after ${formatWhen(signer.accessLockedUntil, context.zone)}, or ask the sender.`, 'accessCode'),
				audits: []
			};
		}
		if (!sameHash(signer.accessCodeHash, accessCodeHash(request.id, signer.email, typed))) {
			const failures = await store.recordAccessFailure(tx, signer.id, ACCESS_MAX_FAILURES, new Date(now.getTime() + ACCESS_LOCK_MS));
			const left = ACCESS_MAX_FAILURES - failures;
			const audits = [signerAudit(context, request, signer, 'access_code_failed', input, { triesLeft: Math.max(0, left) })];
			return {
				result: fail(
					left > 0 ? `That access code is wrong. ${left} ${left === 1 ? 'try' : 'tries'} left.` : 'That access code is wrong. Access is locked for 30 minutes.',
					'accessCode'
				),
				audits
			};
		}
		await store.resetAccessFailures(tx, signer.id);
		await store.markCeremonyAccessOk(tx, ceremony!.id);
		return { result: ok(), audits: [signerAudit(context, request, signer, 'access_code_verified', input)] };
	});
}

/** Records agreement to the consumer disclosure: when, from which address and browser. */
export async function giveConsent(deps: SigningDeps, token: string, agreed: unknown, input: CeremonyInput, now = new Date()): Promise<Outcome> {
	if (agreed !== 'on' && agreed !== true) return fail('To continue, check the box to agree — or decline to sign.', 'consent');
	return step<void>(deps, token, input, now, 'access', async ({ tx, request, signer, context }) => {
		if (signer.consentedAt) return { result: ok(), audits: [] };
		await store.markConsented(tx, signer.id, now, input.ipAddress, input.userAgent);
		return { result: ok(), audits: [signerAudit(context, request, signer, 'consent_given', input, { disclosureVersion: DISCLOSURE_VERSION })] };
	});
}
