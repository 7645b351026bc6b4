import { composeEmail, keepWanting, type Mail, type NotificationEvent } from '$lib/server/mail';
import type { Tx } from '$lib/server/db';
import type { NegotiationDeps } from './deps';
import type { Recipient } from './store';

/**
 * One email per person who wants mail about the event (never a shared To: line, so nobody learns
 * the other party's addresses). The messages are recorded on the transaction that makes what they
 * announce (mailer.record), so the answer waits for neither SMTP nor one INSERT per person.
 */
async function mailEach(
	tx: Tx,
	event: NotificationEvent,
	everyone: Recipient[],
	mail: (person: Recipient) => { subject: string; paragraphs: string[]; organizationId: string | null },
	link: { label: string; url: string }
): Promise<Mail[]> {
	const people = await keepWanting(tx, everyone, event);
	return people.map((person) => {
		const { subject, paragraphs, organizationId } = mail(person);
		const body = composeEmail({ greeting: `Hello ${person.name},`, paragraphs, action: link });
		return { to: person.email, subject, ...body, organizationId };
	});
}

export function mouLink(deps: Pick<NegotiationDeps, 'origin'>, mouId: string) {
	return `${deps.origin}/mous/${mouId}`;
}

/** Tells the other party's counsel that a round has been sent to them. */
export function roundSentMails(
	tx: Tx,
	deps: Pick<NegotiationDeps, 'origin'>,
	counsel: Recipient[],
	round: { mouId: string; title: string; label: string; number: number; senderName: string; senderOrganization: string; senderOrganizationId: string }
): Promise<Mail[]> {
	return mailEach(
		tx,
		'rounds',
		counsel,
		() => ({
			subject: `${round.senderOrganization} sent Round ${round.number} of “${round.title}”`,
			paragraphs: [
				`${round.senderName} of ${round.senderOrganization} has sent you the draft for review: ${round.label}.`,
				'Open it to see their suggestions, accept or reject them, comment, and send it back when you are ready.'
			],
			organizationId: round.senderOrganizationId
		}),
		{ label: 'Open the MOU', url: mouLink(deps, round.mouId) }
	);
}

/** Tells counsel and signatories of both parties that the text is agreed and ready for signature. */
export function agreedMails(
	tx: Tx,
	deps: Pick<NegotiationDeps, 'origin'>,
	people: Recipient[],
	agreed: { mouId: string; title: string; label: string }
): Promise<Mail[]> {
	return mailEach(
		tx,
		'decisions',
		people,
		(person) => ({
			subject: `“${agreed.title}” is agreed and ready for signature`,
			paragraphs: [
				`Both parties have approved the same version of “${agreed.title}”. It is now frozen as the agreed text (${agreed.label}) and ready for signature.`,
				'Nobody can change the agreed text. Open the MOU to read it before signing.'
			],
			organizationId: person.organizationId
		}),
		{ label: 'Read the agreed MOU', url: mouLink(deps, agreed.mouId) }
	);
}
