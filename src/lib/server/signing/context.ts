import { createHash } from 'node:crypto';
import type { Sql, Tx } from '$lib/server/db';
import { generateToken, hashToken } from '$lib/server/auth';
import type { Party } from '$lib/mou/party';
import { appendAudit, type AuditInput } from './audit';
import { formatDay, formatWhen, pickZone } from '$lib/dates/format';
import type { RequestContext } from './deps';
import { queueMail } from './mail';
import { readStoredMou } from '$lib/document';
import * as store from './store';

/** What several steps need to know about an MOU and its parties, for decisions and for emails. */
export interface MouContext {
	mou: store.MouRow;
	parties: store.PartyRow[];
	partyName(side: Party): string;
	/** The district's time zone: the term, else the district's setting, else UTC. */
	zone: string;
	terms: Record<string, string>;
}

export async function loadMouContext(sql: Sql | Tx, mouId: string, version: store.AgreedVersion | null): Promise<MouContext | null> {
	const mou = await store.findMou(sql, mouId);
	if (!mou) return null;
	const parties = await store.listParties(sql, mouId);
	const terms = version ? readStoredMou(version.state).terms : {};
	const district = parties.find((p) => p.side === 'district');
	const zone = pickZone(terms.district_time_zone, district?.timeZone);
	return {
		mou,
		parties,
		partyName: (side) => parties.find((p) => p.side === side)?.name ?? (side === 'agency' ? 'the agency' : 'the district'),
		zone,
		terms
	};
}

export function sha256Hex(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** The app's one date format ($lib/dates), in the district's zone. */
export { formatWhen, formatDay as formatDayLong };

/** d…@example.org: enough for the signer to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
	const [local, domain] = email.split('@');
	return `${local.slice(0, 1)}…@${domain}`;
}

export const SIGNING_PATH = (token: string) => `/sign/${token}`;

/**
 * Gives every waiting signer of the stage their personal link: stored as a hash, emailed once
 * (dedupe key). Returns the audit entries to append: callers append after every row lock of
 * their transaction is taken (the audit head is always the last lock).
 */
export async function openStage(
	tx: Tx,
	input: {
		origin: string;
		request: store.RequestRow;
		signers: store.SignerRow[];
		stage: number;
		context: MouContext;
		sender: { name: string; organizationName: string };
		actor: { name: string; email: string | null; party: Party | null };
		requestContext: RequestContext | null;
	},
	now: Date
): Promise<AuditInput[]> {
	const { request, context } = input;
	const audits: AuditInput[] = [];
	for (const signer of input.signers.filter((s) => s.stage === input.stage && s.status === 'waiting')) {
		const token = generateToken();
		await store.insertSignLink(tx, request, signer.id, hashToken(token), now);
		await store.markSignerSent(tx, signer.id, now);
		const paragraphs = [
			`${input.sender.name} of ${input.sender.organizationName} asks you to sign “${context.mou.title}” as ${signer.title} for ${context.partyName(signer.party)}${signer.role === 'attester' ? ' (attestation)' : ''}.`,
			...(request.message ? [`Their message: “${request.message}”`] : []),
			`When you open the link, MOU Studio emails you a one-time code to confirm it is you${signer.accessCodeHash ? ', and asks for the access code you were given separately' : ''}. You will then read the full agreed text before you sign — or you may decline.`,
			`This request expires on ${formatWhen(request.expiresAt, context.zone)}. The link is personal: please do not forward it.`
		];
		await queueMail(
			tx,
			{
				requestId: request.id,
				signerId: signer.id,
				kind: 'invitation',
				dedupeKey: `invite:${signer.id}`,
				to: signer.email,
				subject: `Please sign: “${context.mou.title}”`,
				greeting: `Hello ${signer.name},`,
				paragraphs,
				action: { label: 'Review and sign', url: `${input.origin}${SIGNING_PATH(token)}` }
			},
			now
		);
		audits.push({
			mouId: context.mou.id,
			requestId: request.id,
			kind: 'sent',
			actor: input.actor.name,
			actorEmail: input.actor.email,
			party: input.actor.party,
			signerId: signer.id,
			ipAddress: input.requestContext?.ipAddress,
			userAgent: input.requestContext?.userAgent,
			detail: { to: signer.email, signer: signer.name, stage: signer.stage }
		});
	}
	return audits;
}

/** Appends a transaction's audit entries in order (call last: the audit head is the last lock taken). */
export async function appendAll(tx: Tx, entries: AuditInput[], now: Date) {
	for (const entry of entries) await appendAudit(tx, entry, now);
}
