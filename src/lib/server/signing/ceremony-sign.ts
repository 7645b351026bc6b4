import { ok, type Outcome } from '$lib/errors';
import type { Tx } from '$lib/server/db';
import { cleanText } from '$lib/server/orgs';
import type { AuditInput } from './audit';
import { openStage, sha256Hex, type MouContext } from './context';
import { completeRequest } from './complete';
import type { SigningDeps } from './deps';
import { SYSTEM_ACTOR } from './deps';
import { queueMail } from './mail';
import { wantsMail } from '$lib/server/mail';
import { checkSignatureImage } from './signature';
import { transitionStatus } from '$lib/server/mous';
import { signerNoLongerEligible } from './eligibility';
import * as store from './store';
import { type CeremonyInput, STATE_MESSAGE, fail, signerAudit, step } from './ceremony-step';

// The end of a ceremony: signing or declining, and the notices when a request ends.

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
		const gone = await signerNoLongerEligible(tx, request.mouId, signer);
		if (gone) return { result: fail(gone), audits: [] };
		const version = await store.findVersion(tx, request.versionId);
		if (!version || version.sha256 !== request.fingerprint || sha256Hex(version.state) !== request.fingerprint) {
			return { result: fail('The agreed text no longer matches its fingerprint, so it cannot be signed. The sender has to look into it.'), audits: [] };
		}
		const authentication = describeAuthentication(signer, ceremony!);
		if (
			!(await store.markSigned(tx, signer.id, {
				at: now,
				ip: input.ipAddress,
				userAgent: input.userAgent,
				fingerprint: request.fingerprint,
				authentication,
				kind,
				text: typedName,
				image: image.dataUrl
			}))
		) {
			return { result: fail(STATE_MESSAGE.signed), audits: [] };
		}
		const audits: AuditInput[] = [
			signerAudit(context, request, signer, 'signed', input, { fingerprint: request.fingerprint, signature: kind, authentication })
		];
		const after = signers.map((s) => (s.id === signer.id ? { ...s, status: 'signed' as const, signedAt: now } : s));
		const pending = after.filter((s) => s.status !== 'signed');
		if (pending.length === 0) {
			const completion = await completeRequest(tx, { origin: deps.origin, request, signers: after, context }, now);
			await deps.closeReview?.(tx, context.mou.id, now);
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
	const how = ceremony.method === 'account' ? `Email link + signed in to MOU Studio as ${signer.email}` : `Email link + one-time code sent to ${signer.email}`;
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
		await queueEndNotices(
			tx,
			{
				request,
				context,
				kind: 'declined',
				who: `${signer.name} (${signer.title}, ${context.partyName(signer.party)})`,
				reason: text,
				origin: deps.origin,
				except: signer.id
			},
			now
		);
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
	input: {
		request: store.RequestRow;
		context: MouContext;
		kind: 'declined' | 'voided' | 'expired';
		who: string | null;
		reason: string | null;
		origin: string;
		except?: string;
	},
	now: Date
) {
	const { request, context } = input;
	const title = context.mou.title;
	const counsel = await store.listPartyMembers(tx, context.mou.id, ['counsel']);
	const signers = (await store.listSigners(tx, request.id)).filter((s) => s.status !== 'waiting' && s.id !== input.except);
	const what = {
		declined: { subject: `Declined: “${title}”`, line: `${input.who} declined to sign “${title}”. The signing request has ended; nobody else can sign it.` },
		voided: {
			subject: `Signing request withdrawn: “${title}”`,
			line: `${input.who} voided the signing request for “${title}”. The signing links no longer work.`
		},
		expired: {
			subject: `Signing request expired: “${title}”`,
			line: `The signing request for “${title}” expired before every signer had signed. The signing links no longer work.`
		}
	}[input.kind];
	const reason = input.reason ? [`Reason given: “${input.reason}”`] : [];
	const mailed = new Set<string>();
	for (const person of counsel) {
		// Counsel chose whether signing news mails them; a signer among them is told below regardless.
		if (!signers.some((s) => s.email === person.email) && !(await wantsMail(tx, person.email, 'signing'))) continue;
		mailed.add(person.email);
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
		if (mailed.has(signer.email)) continue;
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
				paragraphs: [
					what.line,
					...reason,
					signer.status === 'signed' ? 'Your signature on this request will not be used.' : 'Nothing more is needed from you for this request.'
				]
			},
			now
		);
	}
}
