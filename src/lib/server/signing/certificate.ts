import type { Sql, Tx } from '$lib/server/db';
import { hashToken } from '$lib/server/auth';
import type { CompletionCertificate } from '$lib/signing/certificate';
import { AUDIT_LABEL } from '$lib/signing/types';
import type { AuditRow } from './audit';
import { formatDay, formatWhen } from '$lib/dates/format';
import { loadMouContext, maskEmail } from './context';
import * as store from './store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The certificate of completion of a signed MOU, or null when it has not been signed through
 * MOU Studio. What the certificate page shows and what the signed DOCX is built from. Without
 * `contacts` (a party member who may not read signers' contacts: lifecycle `readSignerContacts`)
 * it leaves out every address, IP address and browser — of signers, copy recipients and the audit
 * events — as the signing overview does; the signed DOCX always carries the whole record.
 */
export async function loadCertificate(sql: Sql | Tx, mouId: string, { contacts = true } = {}): Promise<CompletionCertificate | null> {
	if (!UUID.test(mouId)) return null;
	const request = await store.findCompletedRequest(sql, mouId);
	if (!request) return null;
	const version = await store.findVersion(sql, request.versionId);
	const context = await loadMouContext(sql, mouId, version);
	if (!version || !context || !context.mou.signedAt || !context.mou.effectiveDate || !context.mou.reviewDueOn) return null;
	const [signers, recipients, events, signedFile] = await Promise.all([
		store.listSigners(sql, request.id),
		store.listRecipients(sql, request.id),
		store.listAuditRowsForRequest(sql, request.id),
		store.findSignedFile(sql, mouId)
	]);
	const certificate: CompletionCertificate = {
		mouId,
		title: context.mou.title,
		versionId: version.id,
		versionLabel: version.label,
		fingerprint: request.fingerprint,
		requestId: request.id,
		sentAt: request.createdAt.toISOString(),
		completedAt: (request.endedAt ?? context.mou.signedAt).toISOString(),
		effectiveDate: context.mou.effectiveDate,
		nextReviewDate: context.mou.reviewDueOn,
		signers: signers.map((s) => ({
			name: s.name,
			title: s.title,
			email: s.email,
			party: s.party,
			role: s.role,
			capacity: s.capacity,
			authentication: s.authentication ?? '',
			ipAddress: s.signedIp ?? '',
			userAgent: s.signedUserAgent ?? '',
			sentAt: (s.sentAt ?? request.createdAt).toISOString(),
			viewedAt: s.viewedAt?.toISOString() ?? null,
			consentedAt: s.consentedAt?.toISOString() ?? null,
			signedAt: (s.signedAt ?? request.endedAt ?? request.createdAt).toISOString(),
			signatureImage: s.signatureImage ?? '',
			signatureKind: s.signatureKind ?? 'drawn'
		})),
		copyRecipients: recipients.map((r) => ({ name: r.name, email: r.email })),
		...(signedFile ? { signedFile: { sha256: signedFile.sha256, issuedAt: signedFile.issuedAt.toISOString() } } : {}),
		zone: context.zone,
		events: events.map((row) => eventOf(row, context.zone))
	};
	return contacts ? certificate : withoutContacts(certificate, events, context.zone);
}

/** Any address left in a line ("signed in to MOU Studio as …"), masked as the emailed-code line has it. */
const masked = (text: string) => text.replace(/[^\s<>@;,()]+@[^\s<>;,()]+/g, maskEmail);

/** The certificate without anyone's address, IP address or browser. */
function withoutContacts(certificate: CompletionCertificate, rows: AuditRow[], zone: string): CompletionCertificate {
	return {
		...certificate,
		signers: certificate.signers.map((s) => ({ ...s, email: '', ipAddress: '', userAgent: '', authentication: masked(s.authentication) })),
		copyRecipients: certificate.copyRecipients.map((r) => ({ name: r.name, email: '' })),
		events: rows.map((row) => {
			const detail = describeDetail(row, zone, { contacts: false });
			return { at: row.at.toISOString(), kind: row.kind, actor: row.actor, ...(detail ? { detail: masked(detail) } : {}) };
		})
	};
}

function eventOf(row: AuditRow, zone: string): CompletionCertificate['events'][number] {
	const detail = describeDetail(row, zone);
	return {
		at: row.at.toISOString(),
		kind: row.kind,
		actor: row.actorEmail ? `${row.actor} <${row.actorEmail}>` : row.actor,
		...(row.ipAddress ? { ipAddress: row.ipAddress } : {}),
		...(detail ? { detail } : {})
	};
}

/** One readable line for an audit entry's detail. */
export function describeDetail(row: Pick<AuditRow, 'kind' | 'detail'>, zone: string, { contacts = true } = {}): string | null {
	const d = row.detail as Record<string, unknown>;
	const parts: string[] = [];
	if (typeof d.to === 'string' && contacts) parts.push(`to ${d.to}`);
	if (typeof d.message === 'string') parts.push(`${d.message} email`);
	if (typeof d.via === 'string') parts.push(`via ${d.via}`);
	if (typeof d.reason === 'string') parts.push(`reason: “${d.reason}”`);
	if (typeof d.signature === 'string') parts.push(`${d.signature} signature`);
	if (typeof d.authentication === 'string') parts.push(d.authentication);
	if (typeof d.fingerprint === 'string' && row.kind !== 'signed') parts.push(`fingerprint ${d.fingerprint}`);
	if (typeof d.fingerprint === 'string' && row.kind === 'signed') parts.push(`signed fingerprint ${d.fingerprint}`);
	if (typeof d.what === 'string') parts.push(d.what);
	if (typeof d.triesLeft === 'number') parts.push(`${d.triesLeft} tries left`);
	if (typeof d.effectiveDate === 'string') parts.push(`effective ${formatDay(d.effectiveDate)}, review due ${formatDay(String(d.reviewDueOn))}`);
	if (typeof d.disclosureVersion === 'string') parts.push(`disclosure version ${d.disclosureVersion}`);
	if (typeof d.error === 'string' && contacts) parts.push(`error: ${d.error}`);
	if (row.kind === 'sealed' && typeof d.sha256 === 'string') parts.push(`file SHA-256 ${d.sha256}, digitally signed by ${String(d.signedBy)}`);
	if (row.kind === 'prepared' && Array.isArray(d.signers))
		parts.push(`${d.signers.length} signers, ${d.routing} order, expires ${formatWhen(String(d.expiresAt), zone)}`);
	return parts.length ? parts.join('; ') : null;
}

export function auditLabel(kind: string): string {
	return AUDIT_LABEL[kind] ?? kind;
}

/**
 * The certificate behind a certificate link from the completion email (for signers and copy
 * recipients who have no account with a party), or behind a signer's own signing link once they
 * and everyone else have signed (so the page they signed on leads to the result); null otherwise.
 */
export async function loadCertificateByToken(sql: Sql, token: string, now = new Date()) {
	if (typeof token !== 'string' || token.length < 20 || token.length > 100) return null;
	const link = await store.findLink(sql, hashToken(token));
	if (!link || (link.purpose !== 'certificate' && link.purpose !== 'sign')) return null;
	// A signing link keeps working for its signer after the request's date: what they signed stays theirs.
	if (link.purpose === 'certificate' && link.expiresAt <= now) return null;
	const request = await store.findRequest(sql, link.requestId);
	if (!request || request.status !== 'completed') return null;
	const certificate = await loadCertificate(sql, request.mouId);
	if (!certificate) return null;
	const signer = link.signerId ? (await store.listSigners(sql, request.id)).find((s) => s.id === link.signerId) : null;
	if (link.purpose === 'sign' && signer?.status !== 'signed') return null;
	const recipient = link.recipientId ? (await store.listRecipients(sql, request.id)).find((r) => r.id === link.recipientId) : null;
	const holder = signer
		? { name: signer.name, email: signer.email, party: signer.party }
		: recipient
			? { name: recipient.name, email: recipient.email, party: null }
			: null;
	return { certificate, holder };
}
