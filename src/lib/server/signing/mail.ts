import { composeEmail, type Mail } from '$lib/server/mail';
import type { Tx } from '$lib/server/db';
import { issueSignedDocx } from '$lib/server/export';
import { loadCertificate } from './certificate';
import { appendAudit } from './audit';
import { SYSTEM_ACTOR, type SigningDeps } from './deps';
import * as store from './store';

/**
 * Every email of the workflow is queued in signing_messages inside the transaction that decides
 * it (so it exists exactly when the decision does, once per dedupe key), then handed to the
 * mailer after commit by `flushMessages`. runSigningDuties flushes whatever a stopped instance left.
 */

export interface QueuedMail {
	requestId: string;
	signerId?: string | null;
	kind: string;
	dedupeKey: string;
	to: string;
	organizationId?: string | null;
	subject: string;
	greeting: string;
	paragraphs: string[];
	action?: { label: string; url: string };
	attachSignedDocx?: boolean;
}

export async function queueMail(tx: Tx, mail: QueuedMail, now: Date): Promise<boolean> {
	const body = composeEmail({ greeting: mail.greeting, paragraphs: mail.paragraphs, action: mail.action });
	return store.queueMessage(tx, {
		requestId: mail.requestId,
		signerId: mail.signerId ?? null,
		kind: mail.kind,
		dedupeKey: mail.dedupeKey,
		to: mail.to,
		organizationId: mail.organizationId ?? null,
		subject: mail.subject,
		text: body.text,
		html: body.html,
		attachSignedDocx: mail.attachSignedDocx,
		createdAt: now
	});
}

/** A message the mailer has not picked up within this long is taken over by another sender. */
const STALE_CLAIM_MS = 10 * 60 * 1000;

/** Sends queued messages (of one request, or all); returns how many were handed to the mailer. */
export async function flushMessages(deps: SigningDeps, requestId: string | null, now = new Date()): Promise<number> {
	const claimed = await store.claimMessages(deps.sql, requestId, now, new Date(now.getTime() - STALE_CLAIM_MS));
	const docx = new Map<string, Promise<SignedDocxAttachment | null>>();
	for (const message of claimed) {
		const mail: Mail & { attachments?: SignedDocxAttachment[] } = {
			to: message.toAddress,
			subject: message.subject,
			text: message.textBody,
			html: message.htmlBody,
			organizationId: message.organizationId
		};
		if (message.attachSignedDocx) {
			const request = await store.findRequest(deps.sql, message.requestId);
			if (request) {
				if (!docx.has(request.mouId)) docx.set(request.mouId, signedDocxAttachment(deps, request.mouId));
				const attachment = await docx.get(request.mouId);
				if (attachment) mail.attachments = [attachment];
			}
		}
		const sent = await deps.mailer.send(mail);
		await store.setMessageOutbox(deps.sql, message.id, sent.id);
		await recordDelivery(deps, message, sent.id, now);
	}
	return claimed.length;
}

/** The audit trail's "delivered": the mail server (or, without SMTP, the outbox) accepted it. */
async function recordDelivery(deps: SigningDeps, message: store.MessageRow, outboxId: string, now: Date) {
	const request = await store.findRequest(deps.sql, message.requestId);
	if (!request) return;
	const status = await store.outboxStatus(deps.sql, outboxId);
	if (status?.status === 'sent' || status?.status === 'kept') {
		await markDelivered(deps, message, request.mouId, status.status, now);
	} else {
		await appendAudit(
			deps.sql,
			{
				mouId: request.mouId,
				requestId: request.id,
				kind: 'delivery_failed',
				actor: SYSTEM_ACTOR,
				signerId: message.signerId,
				detail: { message: message.kind, to: message.toAddress, error: status?.lastError ?? 'unknown' }
			},
			now
		);
	}
}

export async function markDelivered(deps: SigningDeps, message: store.MessageRow, mouId: string, via: string, now: Date) {
	if (!(await store.markMessageDelivered(deps.sql, message.id, now))) return;
	await appendAudit(
		deps.sql,
		{
			mouId,
			requestId: message.requestId,
			kind: 'delivered',
			actor: SYSTEM_ACTOR,
			signerId: message.signerId,
			detail: { message: message.kind, to: message.toAddress, via: via === 'sent' ? 'SMTP' : 'outbox' }
		},
		now
	);
}

export interface SignedDocxAttachment {
	filename: string;
	content: Buffer;
	contentType: string;
}

/**
 * ▶ SIGNED DOCX CALL SITE — the one place the completion email gets the signed document: issued
 * once by the export feature (the same bytes every later download and the verification page
 * recognise), from the certificate signing loads. If it cannot be issued, the email still goes out (it links to the certificate) and says
 * nothing false: the signed DOCX stays downloadable from the MOU.
 */
async function signedDocxAttachment(deps: SigningDeps, mouId: string): Promise<SignedDocxAttachment | null> {
	try {
		const doc = await issueSignedDocx({ sql: deps.sql, loadCertificate }, mouId);
		return { filename: doc.filename, content: Buffer.from(doc.bytes), contentType: DOCX_TYPE };
	} catch (error) {
		console.error(
			JSON.stringify({ time: new Date().toISOString(), event: 'signed_docx_unavailable', mouId, error: error instanceof Error ? error.message : String(error) })
		);
		return null;
	}
}

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
