import type { Tx } from '$lib/server/db';
import { generateToken, hashToken } from '$lib/server/auth';
import { signingIdentity } from '$lib/server/seal';
import { issueSignedDocx } from '$lib/server/export';
import { appendAudit, type AuditInput } from './audit';
import { loadCertificate } from './certificate';
import { formatDayLong, type MouContext } from './context';
import { addMonths, dayIn, parseDay } from './dates';
import { SYSTEM_ACTOR } from './deps';
import { queueMail } from './mail';
import { wantsMail } from '$lib/server/mail';
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

/** A completion decided in the transaction of the last signature; `announce` runs once its audit entries are in. */
export interface Completion {
	audits: AuditInput[];
	announce: (tx: Tx) => Promise<void>;
}

interface Person {
	name: string;
	email: string;
	organizationId: string | null;
	link: string;
}

/**
 * Completes the request inside the transaction of the last signature (request row locked): the
 * request and the MOU change state only if still open/signing, so completion happens once.
 * Returns the audit entries to append and, to run after them, the announcement: the signed DOCX
 * issued and sealed (so the completion email can give its SHA-256 before anyone downloads it)
 * and the completion email to every counsel and signatory of both parties, every signer and
 * every copy recipient.
 */
export async function completeRequest(
	tx: Tx,
	input: { origin: string; request: store.RequestRow; signers: store.SignerRow[]; context: MouContext },
	now: Date
): Promise<Completion> {
	const { request, context } = input;
	if (!(await store.endRequest(tx, request.id, 'completed', now, null, null))) throw new Error('The signing request is no longer open.');
	const dates = signedDates(context.terms, now, context.zone);
	if (!(await store.markMouSigned(tx, context.mou.id, { signedAt: now, ...dates }))) throw new Error('The MOU is not out for signature.');
	const people = await completionRecipients(tx, input, now);
	return {
		audits: [
			{
				mouId: context.mou.id,
				requestId: request.id,
				kind: 'completed',
				actor: SYSTEM_ACTOR,
				detail: {
					fingerprint: request.fingerprint,
					effectiveDate: dates.effectiveDate,
					reviewDueOn: dates.reviewDueOn,
					signers: input.signers.length,
					notified: people.length
				}
			}
		],
		announce: async (tx) => {
			const sealed = await issueSealed(tx, context.mou.id, request.id, now);
			const signerList = input.signers.map((s) => `${s.name}, ${s.title} (${context.partyName(s.party)})`).join('; ');
			const paragraphs = [
				`Every signer has signed “${context.mou.title}”: ${signerList}.`,
				`The MOU takes effect on ${formatDayLong(dates.effectiveDate)}. Its next review is due by ${formatDayLong(dates.reviewDueOn)}.`,
				...(sealed
					? [
							`The signed DOCX attached is digitally signed by “${sealed.signedBy}”; Word shows the signature under File › Info › Signatures. ` +
								`The file's SHA-256 (what sha256sum prints for it) is ${sealed.sha256}. ` +
								`The agreed text that was signed has the fingerprint ${request.fingerprint}. Anyone can check the file at ${input.origin}/verify.`,
							`The audit trail of this MOU stood at entry ${sealed.head.seq}, hash ${sealed.head.hash}, when this email was written. ` +
								'Keep this email: it is a copy outside MOU Studio that any later rewrite of the trail would contradict.'
						]
					: [`What was signed is the agreed text with SHA-256 fingerprint ${request.fingerprint}.`]),
				'The certificate of completion lists every signer, how each was identified and when each step happened.'
			];
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
						paragraphs,
						action: { label: 'Get the signed MOU and its certificate', url: person.link },
						attachSignedDocx: true
					},
					now
				);
			}
		}
	};
}

async function completionRecipients(
	tx: Tx,
	input: { origin: string; request: store.RequestRow; signers: store.SignerRow[]; context: MouContext },
	now: Date
): Promise<Person[]> {
	const { request, context } = input;
	const members = await store.listPartyMembers(tx, context.mou.id, ['counsel', 'signatory']);
	const memberEmails = new Set(members.map((m) => m.email));
	const recipients = await store.listRecipients(tx, request.id);
	const people: Person[] = [];
	const seen = new Set<string>();
	const add = (p: Person) => {
		if (seen.has(p.email)) return;
		seen.add(p.email);
		people.push(p);
	};
	const signerEmails = new Set(input.signers.map((s) => s.email));
	for (const m of members) {
		// Counsel and signatories who did not sign this request chose whether signing news mails them.
		if (!signerEmails.has(m.email) && !(await wantsMail(tx, m.email, 'signing'))) continue;
		add({ name: m.name, email: m.email, organizationId: m.organizationId, link: `${input.origin}/mous/${context.mou.id}/signing/certificate` });
	}
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
		if (!memberEmails.has(s.email) && !seen.has(s.email))
			add({ name: s.name, email: s.email, organizationId: null, link: await certificateLink({ signerId: s.id, recipientId: null }) });
	}
	for (const r of recipients) {
		if (!seen.has(r.email)) add({ name: r.name, email: r.email, organizationId: null, link: await certificateLink({ signerId: null, recipientId: r.id }) });
	}
	return people;
}

/**
 * ▶ SIGNED DOCX ISSUED AT COMPLETION — rendered from the certificate as it stands with the
 * completion recorded, sealed and stored in this transaction, so its SHA-256 is fixed before any
 * email or download; its issue goes into the audit trail. If it cannot be issued, the signature
 * still stands (savepoint rolled back), the email says only what is certain, and the file is
 * issued on first download as before.
 */
async function issueSealed(tx: Tx, mouId: string, requestId: string, now: Date) {
	try {
		// One savepoint for all of it: a failure anywhere leaves the transaction usable.
		return await tx.savepoint(async (sp) => {
			const issued = await issueSignedDocx({ sql: sp, loadCertificate, now: () => now }, mouId);
			const identity = await signingIdentity(sp);
			const signedBy = /(?:^|\n)CN=([^\n]*)/.exec(identity.certificate.subject)?.[1] ?? 'MOU Studio';
			const certificateSha256 = identity.certificate.fingerprint256.replace(/:/g, '').toLowerCase();
			const head = await appendAudit(
				sp,
				{ mouId, requestId, kind: 'sealed', actor: SYSTEM_ACTOR, detail: { sha256: issued.sha256, signedBy, certificateSha256 } },
				now
			);
			return { sha256: issued.sha256, signedBy, head: { seq: head.seq, hash: head.hash } };
		});
	} catch (error) {
		console.error(
			JSON.stringify({
				time: new Date().toISOString(),
				event: 'signed_docx_not_issued_at_completion',
				mouId,
				error: error instanceof Error ? error.message : String(error)
			})
		);
		return null;
	}
}
