import { composeEmail, keepWanting, type NotificationEvent } from '$lib/server/mail';
import type { NegotiationDeps } from './deps';
import type { Recipient } from './store';

/** One email per person (never a shared To: line, so nobody learns the other party's addresses). */
async function sendEach(
	deps: NegotiationDeps,
	event: NotificationEvent,
	everyone: Recipient[],
	mail: (person: Recipient) => { subject: string; paragraphs: string[]; organizationId: string | null },
	link: { label: string; url: string }
): Promise<number> {
	const people = await keepWanting(deps.sql, everyone, event);
	for (const person of people) {
		const { subject, paragraphs, organizationId } = mail(person);
		const body = composeEmail({ greeting: `Hello ${person.name},`, paragraphs, action: link });
		// Stored now, delivered in the background: approving or sending a round does not wait on SMTP.
		await deps.mailer.queue({ to: person.email, subject, ...body, organizationId });
	}
	return people.length;
}

export function mouLink(deps: NegotiationDeps, mouId: string) {
	return `${deps.origin}/mous/${mouId}`;
}

/** Tells the other party's counsel that a round has been sent to them. */
export function mailRoundSent(
	deps: NegotiationDeps,
	counsel: Recipient[],
	round: { mouId: string; title: string; label: string; number: number; senderName: string; senderOrganization: string; senderOrganizationId: string }
) {
	return sendEach(
		deps,
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
export function mailAgreed(deps: NegotiationDeps, people: Recipient[], agreed: { mouId: string; title: string; label: string }) {
	return sendEach(
		deps,
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
