import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { quoted } from '$lib/server/mail';
import { failure, type Failure } from '$lib/errors';
import { DAY_MS, limitReached } from './limits';

/*
 * Invitations mail whoever the sender names, so they are the one way a stranger could use the
 * product's own mail domain. A sender must have confirmed their own address (it is named in the
 * mail, so the recipient sees who really sent it), and invitations are capped per day: per sender,
 * and per MOU (one other party to find: a wrong address or two, then the right one) or per
 * organization (colleagues arrive a few at a time, a department on the first day).
 */
export const INVITATIONS_PER_SENDER_PER_DAY = 20;
export const INVITATIONS_PER_MOU_PER_DAY = 5;
export const INVITATIONS_PER_ORGANIZATION_PER_DAY = 30;

export const CONFIRM_BEFORE_INVITING =
	'Confirm your email address before you send invitations: follow the link we mailed you, or send it again from your account page.';

/** Null when the sender may send one more invitation for this MOU or organization (and it is counted); else why not. */
export async function invitationRefusal(
	sql: Sql,
	sender: { id: string; emailVerified: boolean },
	about: { mouId: string } | { organizationId: string },
	now = new Date()
): Promise<Failure | null> {
	if (!sender.emailVerified) return failure('not_now', CONFIRM_BEFORE_INVITING);
	const scope =
		'mouId' in about
			? { key: `mou:${about.mouId}`, max: INVITATIONS_PER_MOU_PER_DAY }
			: { key: `organization:${about.organizationId}`, max: INVITATIONS_PER_ORGANIZATION_PER_DAY };
	const reached = await limitReached(sql, 'invite', [{ key: `sender:${sender.id}`, max: INVITATIONS_PER_SENDER_PER_DAY }, scope], now, DAY_MS);
	if (!reached) return null;
	const who =
		reached === scope
			? 'mouId' in about
				? `This MOU has had ${reached.max} invitations`
				: `Your organization has sent ${reached.max} invitations`
			: `You have sent ${reached.max} invitations`;
	return failure('rate_limited', `${who} in the last 24 hours, the most MOU Studio sends in a day. Try again tomorrow.`);
}

/**
 * Who sent an invitation, as they typed it and as MOU Studio knows it (their confirmed address),
 * then `details` (more of what they typed, quoted), then a word on what MOU Studio vouches for.
 */
export function invitedBy(user: Pick<SessionUser, 'name' | 'email' | 'organizationName'>, details: string[] = []): string[] {
	return [
		`It comes from ${quoted(user.name)} (${quoted(user.email)}) of the organization ${quoted(user.organizationName)}.`,
		...details,
		'Names and titles in this email are as the sender typed them: MOU Studio checks only their email address.'
	];
}
