/**
 * The events a person may choose to be emailed about, and the mail that goes whatever they choose.
 * Shared by the settings page and the server (`wantsMail` in `$lib/server/mail` is the one check).
 */
export const NOTIFICATION_EVENTS = ['rounds', 'decisions', 'mentions', 'signing'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const NOTIFICATION_LABELS: Record<NotificationEvent, { label: string; hint: string }> = {
	rounds: { label: 'Rounds', hint: 'The other party sends you a round of the draft.' },
	decisions: { label: 'Decisions', hint: 'Both parties approve the same version and the text is agreed.' },
	mentions: { label: 'Comments that mention you', hint: 'Someone writes @your name in a comment you can read.' },
	signing: { label: 'Signing', hint: 'A signing request is completed, declined, withdrawn or expires (as counsel, not as its signer).' }
};

/** Mail that is sent whatever a person chooses: each is needed to act, or proves something. */
export const ALWAYS_SENT: string[] = [
	'Signing invitations, codes and reminders to the people named to sign, and what happened to a request they are in',
	'Address confirmations, password resets and notice that your address changed',
	'Invitations to join an organization or an MOU'
];

export function isNotificationEvent(value: unknown): value is NotificationEvent {
	return typeof value === 'string' && (NOTIFICATION_EVENTS as readonly string[]).includes(value);
}
