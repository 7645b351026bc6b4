import { ok, type Outcome } from '$lib/errors';
import { mouTemplate } from '$lib/server/profiles';
import { disclosureSections, type DisclosureSection } from '$lib/signing/disclosure';
import { formatWhen, loadMouContext, maskEmail } from './context';
import type { SigningDeps } from './deps';
import { renderAgreement } from './render';
import * as store from './store';
import {
	CODE_LIFETIME_MS,
	CODE_RESEND_AFTER_MS,
	type CeremonyInput,
	type LinkState,
	STATE_MESSAGE,
	type Step,
	resolveLink,
	step,
	stepFor,
	validCeremony
} from './ceremony-step';

/**
 * The signer's ceremony behind /sign/<token>: the link identifies one signer; a one-time code
 * emailed to them (or their signed-in account) proves it is them, and sets a ceremony cookie;
 * then the access code if counsel set one, the consumer disclosure, the agreed text, and the
 * signature or a decline. Every step re-checks everything on the server, in a transaction that
 * locks the request row first, then the signer row; the audit head is locked last.
 */

export interface CeremonyView {
	state: LinkState;
	message: string | null;
	mou: { id: string; title: string } | null;
	/**
	 * Who the link is for. `email` only once the person proved it is them (a ceremony, or signed in
	 * with the signer's account): before that, whoever holds the link sees `maskedEmail` alone.
	 */
	signer: {
		name: string;
		title: string;
		email: string | null;
		maskedEmail: string;
		party: string;
		partyName: string;
		role: string;
		capacity: string;
		signedAt: string | null;
	} | null;
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
			email: null,
			maskedEmail: maskEmail(signer.email),
			party: signer.party,
			partyName: context.partyName(signer.party),
			role: signer.role,
			capacity: signer.capacity,
			signedAt: signer.signedAt?.toISOString() ?? null
		}
	};
	if (resolved.state !== 'active') return base;

	const ceremony = await validCeremony(deps.sql, signer, input.ceremonyToken, now);
	const step = stepFor(signer, ceremony);
	const sender = await store.findUserName(deps.sql, request.preparedBy);
	const codes = await store.recentCodes(deps.sql, signer.id, new Date(now.getTime() - CODE_LIFETIME_MS));
	const latest = codes[0] ?? null;
	const accountMatches = !!input.user && input.user.emailVerified && input.user.email === signer.email;
	const view: CeremonyView = {
		...base,
		signer: { ...base.signer!, email: ceremony || accountMatches ? signer.email : null },
		step,
		accessCodeRequired: !!signer.accessCodeHash,
		viewed: !!signer.viewedAt,
		accountMatches,
		code: {
			sentAt: latest?.createdAt.toISOString() ?? null,
			canResendAt: latest ? new Date(latest.createdAt.getTime() + CODE_RESEND_AFTER_MS).toISOString() : null
		},
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

/** The page, loaded in a browser, says the signer opened it: the audit trail's "viewed" (once). */
export async function recordView(deps: SigningDeps, token: string, input: CeremonyInput, now = new Date()): Promise<Outcome> {
	return step<void>(deps, token, input, now, 'link', async () => ({ result: ok(), audits: [] }));
}

export { CODE_LIFETIME_MS, CODE_MAX_FAILURES, CEREMONY_LIFETIME_MS, linkStateMessage, type CeremonyInput, type LinkState, type Step } from './ceremony-step';
export { requestCode, verifyCode, continueWithAccount, verifyAccessCode, giveConsent, type CeremonyStarted } from './ceremony-identity';
export { sign, decline, queueEndNotices } from './ceremony-sign';
