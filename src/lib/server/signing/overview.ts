import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { getMouAccess } from '$lib/server/mous';
import { can } from '$lib/mou/lifecycle';
import type { AuditEntryView } from '$lib/signing/types';
import type { RequestView, SigningOverview } from '$lib/signing/views';

export type { RequestView, SigningOverview, SignerView } from '$lib/signing/views';
import { verifyAuditChain, type ChainVerification } from './audit';
import { auditLabel, describeDetail } from './certificate';
import { prepareProblem } from './prepare';
import { formatWhen, loadMouContext } from './context';
import { mouZone } from '$lib/mou/zone';
import * as store from './store';

export async function loadSigningOverview(sql: Sql, user: SessionUser, mouId: string): Promise<SigningOverview | null> {
	const access = await getMouAccess(sql, user, mouId);
	if (!access) return null;
	const [mou, version, requests] = await Promise.all([store.findMou(sql, mouId), store.findAgreedVersion(sql, mouId), store.listRequests(sql, mouId)]);
	if (!mou) return null;
	const open = requests.find((r) => r.status === 'out') ?? null;
	const current = open ?? requests[0] ?? null;
	return {
		mou: {
			id: mou.id,
			title: mou.title,
			status: mou.status,
			parties: access.mou.parties,
			signedAt: mou.signedAt?.toISOString() ?? null,
			effectiveDate: mou.effectiveDate,
			reviewDueOn: mou.reviewDueOn
		},
		side: access.side,
		canReadAuditTrail: can(user, 'readAuditTrail'),
		canVoid: can(user, 'voidSigning'),
		agreedVersion: version ? { id: version.id, label: version.label, sha256: version.sha256, createdAt: version.createdAt.toISOString() } : null,
		prepareProblem: prepareProblem(access, user, !!version, !!open),
		current: current ? await requestView(sql, current, can(user, 'readSignerContacts')) : null,
		earlier: requests
			.filter((r) => r.id !== current?.id)
			.map((r) => ({ id: r.id, status: r.status, createdAt: r.createdAt.toISOString(), endedAt: r.endedAt?.toISOString() ?? null, endReason: r.endReason }))
	};
}

/** `contacts`: whether this reader may see signers' addresses and why mail to them failed. */
async function requestView(sql: Sql, request: store.RequestRow, contacts: boolean): Promise<RequestView> {
	const context = await loadMouContext(sql, request.mouId, await store.findVersion(sql, request.versionId));
	const [signers, recipients, messages, preparer] = await Promise.all([
		store.listSigners(sql, request.id),
		store.listRecipients(sql, request.id),
		store.listMessageStatus(sql, request.id),
		store.findUserName(sql, request.preparedBy)
	]);
	return {
		id: request.id,
		status: request.status,
		routing: request.routing,
		createdAt: request.createdAt.toISOString(),
		expiresAt: request.expiresAt.toISOString(),
		expiresLabel: formatWhen(request.expiresAt, context?.zone ?? 'UTC'),
		reminderDays: request.reminderDays,
		endedAt: request.endedAt?.toISOString() ?? null,
		endReason: request.endReason,
		preparedBy: preparer ? `${preparer.name} (${preparer.organizationName})` : 'Counsel',
		fingerprint: request.fingerprint,
		recipients: recipients.map((r) => ({ name: r.name, email: contacts ? r.email : null })),
		signers: signers.map((s) => {
			const linkMail = messages.filter((m) => m.signerId === s.id && (m.kind === 'invitation' || m.kind === 'reminder')).at(-1);
			return {
				id: s.id,
				name: s.name,
				title: s.title,
				email: contacts ? s.email : null,
				party: s.party,
				role: s.role,
				capacity: s.capacity,
				stage: s.stage,
				status: s.status,
				accessCode: !!s.accessCodeHash,
				sentAt: s.sentAt?.toISOString() ?? null,
				viewedAt: s.viewedAt?.toISOString() ?? null,
				consentedAt: s.consentedAt?.toISOString() ?? null,
				signedAt: s.signedAt?.toISOString() ?? null,
				declinedAt: s.declinedAt?.toISOString() ?? null,
				declineReason: s.declineReason,
				delivery: linkMail
					? {
							state:
								linkMail.deliveredAt || linkMail.outboxStatus === 'sent' || linkMail.outboxStatus === 'kept'
									? 'delivered'
									: linkMail.outboxStatus === 'failed'
										? 'retrying'
										: 'queued',
							at: (linkMail.deliveredAt ?? linkMail.createdAt).toISOString(),
							error: contacts && linkMail.outboxStatus === 'failed' ? linkMail.lastError : null
						}
					: null
			};
		})
	};
}

export interface AuditTrailView {
	mou: { id: string; title: string; status: string };
	zone: string;
	entries: AuditEntryView[];
	verification: ChainVerification;
}

/** The audit trail, for counsel of either party; null for anyone else (the page answers 404/403). */
export async function loadAuditTrail(sql: Sql, user: SessionUser, mouId: string): Promise<AuditTrailView | 'forbidden' | null> {
	const access = await getMouAccess(sql, user, mouId);
	if (!access) return null;
	if (!can(user, 'readAuditTrail')) return 'forbidden';
	const [rows, verification] = await Promise.all([store.listAuditRows(sql, mouId), verifyAuditChain(sql, mouId)]);
	const zone = mouZone(access.mou.parties, user.timeZone);
	return {
		mou: { id: access.mou.id, title: access.mou.title, status: access.mou.status },
		zone,
		verification,
		entries: rows.map((row) => ({
			seq: row.seq,
			at: row.at.toISOString(),
			kind: row.kind,
			label: auditLabel(row.kind),
			actor: row.actorEmail ? `${row.actor} <${row.actorEmail}>` : row.actor,
			ipAddress: row.ipAddress,
			userAgent: row.userAgent,
			detail: describeDetail(row, zone)
		}))
	};
}
