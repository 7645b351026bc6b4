import type { Tx } from '$lib/server/db';
import { generateToken, hashToken } from '$lib/server/auth';
import type { AuditInput } from './audit';
import { formatDayLong, type MouContext } from './context';
import { addMonths, dayIn, parseDay } from './dates';
import { SYSTEM_ACTOR } from './deps';
import { queueMail } from './mail';
import * as store from './store';

const DEFAULT_REVIEW_MONTHS = 12;
const CERTIFICATE_LINK_DAYS = 365;

/**
 * The MOU's effective date: the `effective_date` term when the template has one, else the
 * `term_start` term (the template's "day this MOU takes effect"), else the day of completion in
 * the district's time zone. The next review falls `review_interval_months` (else 12) later.
 */
export function signedDates(terms: Record<string, string>, completedAt: Date, zone: string) {
	const day = (value: string | undefined) => (value && parseDay(value.trim()) ? value.trim() : null);
	const effectiveDate = day(terms.effective_date) ?? day(terms.term_start) ?? dayIn(completedAt, zone);
	const raw = terms.review_interval_months?.trim() ?? '';
	const months = /^\d{1,2}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 60 ? Number(raw) : DEFAULT_REVIEW_MONTHS;
	return { effectiveDate, reviewIntervalMonths: months, reviewDueOn: addMonths(effectiveDate, months) };
}

/**
 * Completes the request inside the transaction of the last signature (request row locked): the
 * request and the MOU change state only if still open/signing, so completion happens once.
 * Queues the completion email to every counsel and signatory of both parties, every signer and
 * every copy recipient. Returns the audit entries to append.
 */
export async function completeRequest(
	tx: Tx,
	input: { origin: string; request: store.RequestRow; signers: store.SignerRow[]; context: MouContext },
	now: Date
): Promise<AuditInput[]> {
	const { request, context } = input;
	if (!(await store.endRequest(tx, request.id, 'completed', now, null, null))) throw new Error('The signing request is no longer open.');
	const dates = signedDates(context.terms, now, context.zone);
	if (!(await store.markMouSigned(tx, context.mou.id, { signedAt: now, ...dates }))) throw new Error('The MOU is not out for signature.');

	const members = await store.listPartyMembers(tx, context.mou.id, ['counsel', 'signatory']);
	const memberEmails = new Set(members.map((m) => m.email));
	const recipients = await store.listRecipients(tx, request.id);
	const people: Array<{ name: string; email: string; organizationId: string | null; link: string }> = [];
	const seen = new Set<string>();
	const add = (p: (typeof people)[number]) => {
		if (seen.has(p.email)) return;
		seen.add(p.email);
		people.push(p);
	};
	for (const m of members) add({ name: m.name, email: m.email, organizationId: m.organizationId, link: `${input.origin}/mous/${context.mou.id}/signing/certificate` });
	const certificateLink = async (link: { signerId: string | null; recipientId: string | null }) => {
		const token = generateToken();
		await store.insertLink(tx, {
			requestId: request.id,
			...link,
			purpose: 'certificate',
			tokenHash: hashToken(token),
			createdAt: now,
			expiresAt: new Date(now.getTime() + CERTIFICATE_LINK_DAYS * 86_400_000)
		});
		return `${input.origin}/sign/${token}/certificate`;
	};
	for (const s of input.signers) {
		if (!memberEmails.has(s.email) && !seen.has(s.email)) add({ name: s.name, email: s.email, organizationId: null, link: await certificateLink({ signerId: s.id, recipientId: null }) });
	}
	for (const r of recipients) {
		if (!seen.has(r.email)) add({ name: r.name, email: r.email, organizationId: null, link: await certificateLink({ signerId: null, recipientId: r.id }) });
	}
	const signerList = input.signers.map((s) => `${s.name}, ${s.title} (${context.partyName(s.party)})`).join('; ');
	for (const person of people) {
		await queueMail(
			tx,
			{
				requestId: request.id,
				kind: 'completed',
				dedupeKey: `completed:${request.id}:${person.email}`,
				to: person.email,
				organizationId: person.organizationId,
				subject: `Signed: “${context.mou.title}”`,
				greeting: `Hello ${person.name},`,
				paragraphs: [
					`Every signer has signed “${context.mou.title}”: ${signerList}.`,
					`The MOU takes effect on ${formatDayLong(dates.effectiveDate)}. Its next review is due by ${formatDayLong(dates.reviewDueOn)}.`,
					`What was signed is the agreed text with SHA-256 fingerprint ${request.fingerprint}. The certificate of completion lists every signer, how each was identified and when each step happened.`
				],
				action: { label: 'View the certificate of completion', url: person.link },
				attachSignedDocx: true
			},
			now
		);
	}
	return [
		{
			mouId: context.mou.id,
			requestId: request.id,
			kind: 'completed',
			actor: SYSTEM_ACTOR,
			detail: { fingerprint: request.fingerprint, effectiveDate: dates.effectiveDate, reviewDueOn: dates.reviewDueOn, signers: input.signers.length, notified: people.length }
		}
	];
}
