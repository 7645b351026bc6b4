import type { SessionUser } from '$lib/server/auth';
import { failure, ok, type Failure, type Outcome } from '$lib/errors';
import { generateToken, hashToken } from '$lib/server/auth';
import type { Tx } from '$lib/server/db';
import { cleanText } from '$lib/server/orgs';
import { mouTemplate } from '$lib/server/profiles';
import { DISCLOSURE_VERSION, disclosureSections, type DisclosureSection } from '$lib/signing/disclosure';
import type { AuditInput } from './audit';
import { appendAll, formatWhen, loadMouContext, maskEmail, openStage, sha256Hex, type MouContext } from './context';
import { completeRequest } from './complete';
import type { RequestContext, SigningDeps } from './deps';
import { SYSTEM_ACTOR } from './deps';
import { flushMessages, queueMail } from './mail';
import { renderAgreement } from './render';
import { accessCodeHash, newOneTimeCode, oneTimeCodeHash, sameHash } from './secrets';
import { checkSignatureImage } from './signature';
import { transitionStatus } from '$lib/server/mous';
import * as store from './store';

/**
 * The signer's ceremony behind /sign/<token>: the link identifies one signer; a one-time code
 * emailed to them (or their signed-in account) proves it is them, and sets a ceremony cookie;
 * then the access code if counsel set one, the consumer disclosure, the agreed text, and the
 * signature or a decline. Every step re-checks everything on the server, in a transaction that
 * locks the request row first, then the signer row; the audit head is locked last.
 */

export const CODE_LIFETIME_MS = 10 * 60 * 1000;
export const CODE_MAX_FAILURES = 5;
export const CODE_RESEND_AFTER_MS = 60 * 1000;
export const CODES_PER_HOUR = 5;
export const CEREMONY_LIFETIME_MS = 4 * 60 * 60 * 1000;
export const ACCESS_MAX_FAILURES = 5;
/** Wrong codes across all codes of one signer: past this, new codes stop (guessing would otherwise go on for months). */
export const CODE_MAX_TOTAL_FAILURES = 15;
const TOO_MANY_CODES = 'Too many wrong codes were entered for this signing link. Ask the sender to void this request and send a new one.';
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

async function resolveLink(sql: SigningDeps['sql'] | Tx, token: string, now: Date): Promise<Resolved> {
	const none: Resolved = { state: 'unknown', link: null, request: null, signer: null };
	if (typeof token !== 'string' || token.length < 20 || token.length > 100) return none;
	const link = await store.findLink(sql, hashToken(token));
	if (!link || link.purpose !== 'sign' || !link.signerId) return none;
	const request = await store.findRequest(sql, link.requestId);
	const signer = request ? (await store.listSigners(sql, request.id)).find((s) => s.id === link.signerId) ?? null : null;
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

const STATE_MESSAGE: Record<Exclude<LinkState, 'active'>, string> = {
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

async function validCeremony(sql: SigningDeps['sql'] | Tx, signer: store.SignerRow, token: string | null | undefined, now: Date) {
	if (!token) return null;
	const ceremony = await store.findCeremony(sql, hashToken(token));
	return ceremony && ceremony.signerId === signer.id && ceremony.expiresAt > now ? ceremony : null;
}

function stepFor(signer: store.SignerRow, ceremony: store.CeremonyRow | null): Step {
	if (!ceremony) return 'authenticate';
	if (signer.accessCodeHash && !ceremony.accessOk) return 'access';
	if (!signer.consentedAt) return 'consent';
	return 'sign';
}

export interface CeremonyView {
	state: LinkState;
	message: string | null;
	mou: { id: string; title: string } | null;
	signer: { name: string; title: string; email: string; maskedEmail: string; party: string; partyName: string; role: string; signedAt: string | null } | null;
	step: Step | null;
	/** Counsel asked for an access code for this signer (one more step). */
	accessCodeRequired: boolean;
	/** The signed-in person is this signer: they may continue without a code. */
	accountMatches: boolean;
	/** The signer's opening of the link is already in the audit trail. */
	viewed: boolean;
	code: { sentAt: string | null; canResendAt: string | null } | null;
	accessLockedUntil: string | null;
	sender: { name: string; email: string; organization: string } | null;
	disclosure: DisclosureSection[];
	expiresAt: string | null;
	expiresLabel: string | null;
	/** The district's zone: the page writes its dates in it, as the emails do. */
	zone: string | null;
	/** Every signer has signed: the page offers the signed MOU and its certificate. */
	completed: boolean;
	/** Only once the signer may read it (authenticated, access code, consent). */
	agreement: {
		html: string;
		outline: Array<{ id: string; text: string; level: number }>;
		fingerprint: string;
		versionLabel: string;
		signatureBlocks: Array<{ partyName: string; party: string; people: Array<{ name: string; title: string; role: string; status: string; isYou: boolean }> }>;
	} | null;
}

/**
 * What the ceremony page shows. Reading it records nothing: a mail scanner fetching the link is
 * not the signer. The first view is recorded by `recordView` (the page posts it once loaded in a
 * browser) or by the signer's first step, whichever comes first.
 */
export async function openSigningLink(deps: SigningDeps, token: string, input: CeremonyInput, now = new Date()): Promise<CeremonyView> {
	const resolved = await resolveLink(deps.sql, token, now);
	const empty: CeremonyView = {
		state: resolved.state,
		message: resolved.state === 'active' ? null : STATE_MESSAGE[resolved.state],
		mou: null,
		signer: null,
		step: null,
		accessCodeRequired: false,
		accountMatches: false,
		viewed: false,
		code: null,
		accessLockedUntil: null,
		sender: null,
		disclosure: [],
		expiresAt: null,
		expiresLabel: null,
		zone: null,
		completed: false,
		agreement: null
	};
	if (!resolved.request || !resolved.signer) return empty;
	const { request, signer } = resolved;
	const context = (await loadMouContext(deps.sql, request.mouId, await store.findVersion(deps.sql, request.versionId)))!;
	const base: CeremonyView = {
		...empty,
		mou: { id: context.mou.id, title: context.mou.title },
		zone: context.zone,
		completed: request.status === 'completed',
		signer: {
			name: signer.name,
			title: signer.title,
			email: signer.email,
			maskedEmail: maskEmail(signer.email),
			party: signer.party,
			partyName: context.partyName(signer.party),
			role: signer.role,
			signedAt: signer.signedAt?.toISOString() ?? null
		}
	};
	if (resolved.state !== 'active') return base;

	const ceremony = await validCeremony(deps.sql, signer, input.ceremonyToken, now);
	const step = stepFor(signer, ceremony);
	const sender = await store.findUserName(deps.sql, request.preparedBy);
	const codes = await store.recentCodes(deps.sql, signer.id, new Date(now.getTime() - CODE_LIFETIME_MS));
	const latest = codes[0] ?? null;
	const view: CeremonyView = {
		...base,
		step,
		accessCodeRequired: !!signer.accessCodeHash,
		viewed: !!signer.viewedAt,
		accountMatches: !!input.user && input.user.emailVerified && input.user.email === signer.email,
		code: { sentAt: latest?.createdAt.toISOString() ?? null, canResendAt: latest ? new Date(latest.createdAt.getTime() + CODE_RESEND_AFTER_MS).toISOString() : null },
		accessLockedUntil: signer.accessLockedUntil && signer.accessLockedUntil > now ? signer.accessLockedUntil.toISOString() : null,
		sender: sender ? { name: sender.name, email: sender.email, organization: sender.organizationName } : null,
		disclosure: sender ? disclosureSections({ name: sender.name, email: sender.email, organization: sender.organizationName }) : [],
		expiresAt: request.expiresAt.toISOString(),
		expiresLabel: formatWhen(request.expiresAt, context.zone)
	};
	if (step === 'sign') {
		const version = (await store.findVersion(deps.sql, request.versionId))!;
		const rendered = renderAgreement(version.state, mouTemplate(context.mou));
		const signers = await store.listSigners(deps.sql, request.id);
		view.agreement = {
			html: rendered.html,
			outline: rendered.outline,
			fingerprint: request.fingerprint,
			versionLabel: version.label,
			signatureBlocks: (['agency', 'district'] as const).map((party) => ({
				party,
				partyName: context.partyName(party),
				people: signers
					.filter((s) => s.party === party)
					.map((s) => ({ name: s.name, title: s.title, role: s.role, status: s.status, isYou: s.id === signer.id }))
			}))
		};
	}
	return view;
}

function signerAudit(context: MouContext, request: store.RequestRow, signer: store.SignerRow, kind: string, input: RequestContext, detail?: Record<string, unknown>): AuditInput {
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
const fail = (message: string, field?: string): Failure =>
	field ? failure('invalid_input', message, { fields: { [field]: message } }) : failure('not_now', message);

/**
 * Runs one step in a transaction with the request and signer rows locked and the link re-checked.
 * `needs` says how far the signer must already be; audit entries returned by the step are
 * appended last. Emails it queued go out after commit.
 */
async function step<T>(
	deps: SigningDeps,
	token: string,
	input: CeremonyInput,
	now: Date,
	needs: 'link' | 'ceremony' | 'access' | 'consent',
	body: (s: {
		tx: Tx;
		request: store.RequestRow;
		signer: store.SignerRow;
		ceremony: store.CeremonyRow | null;
		context: MouContext;
	}) => Promise<{ result: Outcome<T>; audits: AuditInput[]; /** Runs in the transaction once the audits are appended. */ afterAudits?: (tx: Tx) => Promise<void> }>
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

/** The page, loaded in a browser, says the signer opened it: the audit trail's "viewed" (once). */
export async function recordView(deps: SigningDeps, token: string, input: CeremonyInput, now = new Date()): Promise<Outcome> {
	return step<void>(deps, token, input, now, 'link', async () => ({ result: ok(), audits: [] }));
}

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
	await store.insertCeremony(tx, { signerId: signer.id, tokenHash: hashToken(ceremonyToken), method, accessOk: !signer.accessCodeHash, createdAt: now, expiresAt });
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
		// The account must have proved the address (the link mailed to it) and belong to the party the
		// signer signs for: an address typed at sign-up proves nothing.
		const user = input.user;
		if (user && user.email === signer.email && !user.emailVerified) {
			return { result: fail('Confirm your email address first (the link we mailed you), or use the emailed code.'), audits: [] };
		}
		const member = !!user && user.email === signer.email && (await store.isPartyMember(tx, request.mouId, signer.party, user.id));
		if (!member || !user) {
			return { result: fail('You are not signed in as this signer. Use the emailed code instead.'), audits: [] };
		}
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
			return { result: fail(`Too many wrong access codes. Try again after ${formatWhen(signer.accessLockedUntil, context.zone)}, or ask the sender.`, 'accessCode'), audits: [] };
		}
		if (!sameHash(signer.accessCodeHash, accessCodeHash(request.id, signer.email, typed))) {
			const failures = await store.recordAccessFailure(tx, signer.id, ACCESS_MAX_FAILURES, new Date(now.getTime() + ACCESS_LOCK_MS));
			const left = ACCESS_MAX_FAILURES - failures;
			const audits = [signerAudit(context, request, signer, 'access_code_failed', input, { triesLeft: Math.max(0, left) })];
			return {
				result: fail(left > 0 ? `That access code is wrong. ${left} ${left === 1 ? 'try' : 'tries'} left.` : 'That access code is wrong. Access is locked for 30 minutes.', 'accessCode'),
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

export interface SignInput {
	kind: unknown;
	typedName: unknown;
	image: unknown;
	intent: unknown;
	fingerprint: unknown;
}

export type Signed = { completed: boolean };

/**
 * The signature. Refused out of turn (an earlier stage not signed), twice, after a decline, void
 * or expiry, without intent, with a fingerprint other than the agreed version's, or when the
 * agreed version's stored state no longer hashes to it. The request row lock orders racing
 * signatures: the last one completes the MOU, exactly once.
 */
export async function sign(deps: SigningDeps, token: string, form: SignInput, input: CeremonyInput, now = new Date()): Promise<Outcome<Signed>> {
	const kind = form.kind === 'typed' || form.kind === 'drawn' ? form.kind : null;
	if (!kind) return fail('Choose whether to type or draw your signature.', 'kind');
	const typedName = kind === 'typed' ? cleanText(form.typedName, 100) : null;
	if (kind === 'typed' && (!typedName || typedName.length < 2)) return fail('Type your name as your signature.', 'typedName');
	const image = checkSignatureImage(form.image);
	if (!image.ok) return fail(image.message, kind === 'drawn' ? 'signature' : 'typedName');
	if (form.intent !== 'on' && form.intent !== true) return fail('Check the box to confirm that you intend to sign.', 'intent');

	let mouId = '';
	const result = await step<Signed>(deps, token, input, now, 'consent', async ({ tx, request, signer, ceremony, context }) => {
		mouId = context.mou.id;
		if (form.fingerprint !== request.fingerprint) {
			return { result: fail('The agreement you were shown is not the one out for signature. Reload the page and read it again.'), audits: [] };
		}
		const signers = await store.listSigners(tx, request.id);
		if (signers.some((s) => s.stage < signer.stage && s.status !== 'signed')) {
			return { result: fail(STATE_MESSAGE.not_yet), audits: [] };
		}
		const version = await store.findVersion(tx, request.versionId);
		if (!version || version.sha256 !== request.fingerprint || sha256Hex(version.state) !== request.fingerprint) {
			return { result: fail('The agreed text no longer matches its fingerprint, so it cannot be signed. The sender has to look into it.'), audits: [] };
		}
		const authentication = describeAuthentication(signer, ceremony!);
		if (!(await store.markSigned(tx, signer.id, { at: now, ip: input.ipAddress, userAgent: input.userAgent, fingerprint: request.fingerprint, authentication, kind, text: typedName, image: image.dataUrl }))) {
			return { result: fail(STATE_MESSAGE.signed), audits: [] };
		}
		const audits: AuditInput[] = [
			signerAudit(context, request, signer, 'signed', input, { fingerprint: request.fingerprint, signature: kind, authentication })
		];
		const after = signers.map((s) => (s.id === signer.id ? { ...s, status: 'signed' as const, signedAt: now } : s));
		const pending = after.filter((s) => s.status !== 'signed');
		if (pending.length === 0) {
			const completion = await completeRequest(tx, { origin: deps.origin, request, signers: after, context }, now);
			audits.push(...completion.audits);
			return { result: ok({ completed: true }), audits, afterAudits: completion.announce };
		}
		const nextStage = Math.min(...pending.map((s) => s.stage));
		if (!after.some((s) => s.stage === nextStage && s.status === 'sent')) {
			const sender = await store.findUserName(tx, request.preparedBy);
			audits.push(
				...(await openStage(
					tx,
					{
						origin: deps.origin,
						request,
						signers: after,
						stage: nextStage,
						context,
						sender: { name: sender?.name ?? 'Counsel', organizationName: sender?.organizationName ?? context.partyName(request.preparedParty) },
						actor: { name: SYSTEM_ACTOR, email: null, party: null },
						requestContext: null
					},
					now
				))
			);
		}
		return { result: ok({ completed: false }), audits };
	});
	if (result.ok) deps.collab?.notify?.(mouId, 'status');
	return result;
}

function describeAuthentication(signer: store.SignerRow, ceremony: store.CeremonyRow): string {
	const how =
		ceremony.method === 'account'
			? `Email link + signed in to MOU Studio as ${signer.email}`
			: `Email link + one-time code sent to ${signer.email}`;
	return signer.accessCodeHash ? `${how} + access code given out of band` : how;
}

/** Declining ends the request for everyone; counsel of both parties are told at once. */
export async function decline(deps: SigningDeps, token: string, reason: unknown, input: CeremonyInput, now = new Date()): Promise<Outcome> {
	const text = typeof reason === 'string' ? reason.trim().replace(/\s+\n/g, '\n').slice(0, 2000) : '';
	if (text.length < 3) return fail('Say briefly why you decline, so the parties know what to do next.', 'reason');
	if (text.length > 1000) return fail('Keep the reason to at most 1,000 characters.', 'reason');
	let mouId = '';
	const result = await step<void>(deps, token, input, now, 'access', async ({ tx, request, signer, context }) => {
		if (!(await store.markDeclined(tx, signer.id, now, text))) return { result: fail(STATE_MESSAGE.declined), audits: [] };
		await store.endRequest(tx, request.id, 'declined', now, null, text);
		await transitionStatus(tx, context.mou.id, 'signing', 'agreed');
		mouId = context.mou.id;
		await queueEndNotices(tx, { request, context, kind: 'declined', who: `${signer.name} (${signer.title}, ${context.partyName(signer.party)})`, reason: text, origin: deps.origin, except: signer.id }, now);
		return { result: ok(), audits: [signerAudit(context, request, signer, 'declined', input, { reason: text })] };
	});
	if (result.ok) deps.collab?.notify?.(mouId, 'status');
	return result;
}

/**
 * When a request ends early (declined, voided, expired): counsel of both parties, and every signer
 * who had received a link, are told — one message per person (dedupe key per request and person).
 */
export async function queueEndNotices(
	tx: Tx,
	input: { request: store.RequestRow; context: MouContext; kind: 'declined' | 'voided' | 'expired'; who: string | null; reason: string | null; origin: string; except?: string },
	now: Date
) {
	const { request, context } = input;
	const title = context.mou.title;
	const counsel = await store.listPartyMembers(tx, context.mou.id, ['counsel']);
	const signers = (await store.listSigners(tx, request.id)).filter((s) => s.status !== 'waiting' && s.id !== input.except);
	const what = {
		declined: { subject: `Declined: “${title}”`, line: `${input.who} declined to sign “${title}”. The signing request has ended; nobody else can sign it.` },
		voided: { subject: `Signing request withdrawn: “${title}”`, line: `${input.who} voided the signing request for “${title}”. The signing links no longer work.` },
		expired: { subject: `Signing request expired: “${title}”`, line: `The signing request for “${title}” expired before every signer had signed. The signing links no longer work.` }
	}[input.kind];
	const reason = input.reason ? [`Reason given: “${input.reason}”`] : [];
	for (const person of counsel) {
		await queueMail(
			tx,
			{
				requestId: request.id,
				kind: input.kind,
				dedupeKey: `${input.kind}:${request.id}:${person.email}`,
				to: person.email,
				organizationId: person.organizationId,
				subject: what.subject,
				greeting: `Hello ${person.name},`,
				paragraphs: [what.line, ...reason, 'The agreed text is unchanged. Counsel can send it for signature again when the parties are ready.'],
				action: { label: 'Open the signing status', url: `${input.origin}/mous/${context.mou.id}/signing` }
			},
			now
		);
	}
	for (const signer of signers) {
		if (counsel.some((c) => c.email === signer.email)) continue;
		await queueMail(
			tx,
			{
				requestId: request.id,
				signerId: signer.id,
				kind: input.kind,
				dedupeKey: `${input.kind}:${request.id}:${signer.email}`,
				to: signer.email,
				subject: what.subject,
				greeting: `Hello ${signer.name},`,
				paragraphs: [what.line, ...reason, signer.status === 'signed' ? 'Your signature on this request will not be used.' : 'Nothing more is needed from you for this request.']
			},
			now
		);
	}
}
