import { generateToken, hashToken } from '$lib/server/auth';
import { queueEndNotices } from './ceremony';
import { appendAll, formatWhen, loadMouContext, SIGNING_PATH } from './context';
import { SYSTEM_ACTOR, type SigningDeps } from './deps';
import { flushMessages, markDelivered, queueMail } from './mail';
import { transitionStatus } from '$lib/server/mous';
import * as store from './store';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface DutiesReport {
	expired: number;
	reminded: number;
	sent: number;
	delivered: number;
}

/**
 * The signing workflow's periodic work, safe to run on several instances at once and as often as
 * wanted: expires requests past their date (the status update claims each one for one caller),
 * reminds pending signers every `reminder_days` days (one reminder per signer and period: the
 * dedupe key is unique), sends queued mail a stopped instance left behind, and records in the
 * audit trail mail the mail layer delivered on a retry. Schedule it every few minutes.
 */
export async function runSigningDuties(deps: SigningDeps, now: Date = new Date()): Promise<DutiesReport> {
	const report: DutiesReport = { expired: 0, reminded: 0, sent: 0, delivered: 0 };

	for (const request of await store.listOpenRequests(deps.sql)) {
		if (request.expiresAt <= now) {
			if (await expire(deps, request.id, now)) report.expired++;
		} else {
			report.reminded += await remind(deps, request, now);
		}
	}
	report.sent = await flushMessages(deps, null, now);
	for (const message of await store.listLateDeliveries(deps.sql)) {
		await markDelivered(deps, message, message.mouId, 'sent', now);
		report.delivered++;
	}
	return report;
}

async function expire(deps: SigningDeps, requestId: string, now: Date): Promise<boolean> {
	const expired = await deps.sql.begin(async (tx) => {
		const request = await store.lockRequest(tx, requestId);
		if (!request || request.status !== 'out' || request.expiresAt > now) return null;
		const context = (await loadMouContext(tx, request.mouId, await store.findVersion(tx, request.versionId)))!;
		await store.endRequest(tx, request.id, 'expired', now, null, 'The expiry date passed before every signer signed.');
		await transitionStatus(tx, request.mouId, 'signing', 'agreed');
		await queueEndNotices(tx, { request, context, kind: 'expired', who: null, reason: null, origin: deps.origin }, now);
		await appendAll(
			tx,
			[{ mouId: request.mouId, requestId: request.id, kind: 'expired', actor: SYSTEM_ACTOR, detail: { expiresAt: request.expiresAt.toISOString() } }],
			now
		);
		return request;
	});
	if (expired) deps.collab?.notify?.(expired.mouId, 'status');
	return !!expired;
}

/** Reminder n of a signer is due n × reminder_days after their link was sent. */
async function remind(deps: SigningDeps, request: store.RequestRow, now: Date): Promise<number> {
	let reminded = 0;
	for (const signer of await store.listSigners(deps.sql, request.id)) {
		if (signer.status !== 'sent' || !signer.sentAt) continue;
		const period = Math.floor((now.getTime() - signer.sentAt.getTime()) / (request.reminderDays * DAY_MS));
		if (period < 1) continue;
		const dedupeKey = `reminder:${signer.id}:${period}`;
		if (await store.dedupeKeyTaken(deps.sql, dedupeKey)) continue;
		const done = await deps.sql.begin(async (tx) => {
			const locked = await store.lockRequest(tx, request.id);
			const current = await store.lockSigner(tx, signer.id);
			if (!locked || locked.status !== 'out' || !current || current.status !== 'sent') return false;
			const context = (await loadMouContext(tx, request.mouId, null))!;
			// The first link is stored only as a hash: a reminder carries a new link, and the old one keeps working.
			const token = generateToken();
			const queued = await queueMail(
				tx,
				{
					requestId: request.id,
					signerId: signer.id,
					kind: 'reminder',
					dedupeKey,
					to: signer.email,
					subject: `Reminder: please sign “${context.mou.title}”`,
					greeting: `Hello ${signer.name},`,
					paragraphs: [
						`“${context.mou.title}” is still waiting for your signature as ${signer.title} for ${context.partyName(signer.party)}.`,
						`The request expires on ${formatWhen(request.expiresAt, context.zone)}. If you should not be signing it, open the link and decline, saying why.`
					],
					action: { label: 'Review and sign', url: `${deps.origin}${SIGNING_PATH(token)}` }
				},
				now
			);
			if (!queued) return false;
			await store.insertSignLink(tx, request, signer.id, hashToken(token), now);
			await appendAll(
				tx,
				[
					{
						mouId: request.mouId,
						requestId: request.id,
						kind: 'reminded',
						actor: SYSTEM_ACTOR,
						signerId: signer.id,
						detail: { to: signer.email, reminder: period }
					}
				],
				now
			);
			return true;
		});
		if (done) reminded++;
	}
	return reminded;
}
