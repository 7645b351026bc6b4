import type { Sql } from '$lib/server/db';
import { generateToken, hashToken, type SessionUser } from '$lib/server/auth';
import { composeEmail, quoted, type Mailer } from '$lib/server/mail';
import { invitationRefusal, invitedBy } from '$lib/server/invitations';
import { normalizeEmail } from '$lib/server/orgs';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import * as store from './store';
import { fillPartyName } from './party-names';
import type { CollabServer } from '$lib/server/collab';
import { getMouAccess } from './mous';
import { otherParty } from '$lib/mou/party';
import { can } from '$lib/mou/lifecycle';

const LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;

export const PARTY_INVITATION_SUBJECT = 'An invitation to negotiate an SRO MOU on MOU Studio';

/** Counsel invites the other party's organization by emailing one of its people. */
export async function inviteParty(
	deps: { sql: Sql; mailer: Mailer; origin: string },
	user: SessionUser,
	mouId: string,
	input: { email: unknown },
	now = new Date()
): Promise<Outcome<{ email: string }> | null> {
	const access = await getMouAccess(deps.sql, user, mouId);
	if (!access) return null;
	if (!can(user, 'inviteParty')) return failure('forbidden', 'You cannot invite a party to this MOU.');
	if (!access.canInviteParty) return failure('not_now', 'You cannot invite a party to this MOU.');
	const email = normalizeEmail(input.email);
	if (!email) return invalid({ email: 'Enter a valid email address.' });
	const refused = await invitationRefusal(deps.sql, user, { mouId }, now);
	if (refused) return refused;
	const side = otherParty(access.side);
	const token = generateToken();
	const expiresAt = new Date(now.getTime() + LIFETIME_MS);
	await store.insertPartyInvitation(deps.sql, { mouId, email, side, tokenHash: hashToken(token), invitedBy: user.id, expiresAt });
	const body = composeEmail({
		greeting: 'Hello,',
		paragraphs: [
			`You are invited to negotiate a School Resource Officer MOU for your ${side === 'district' ? 'school district' : 'law enforcement agency'} on MOU Studio.`,
			...invitedBy(user, [`The MOU is titled ${quoted(access.mou.title)}.`]),
			`If you expected it, sign in (or ask your administrator for an account) and accept by ${expiresAt.toUTCString()}. If not, ignore this email.`
		],
		action: { label: 'Review the invitation', url: `${deps.origin}/join/${token}` }
	});
	// A fixed subject: what the sender typed stays in the body, quoted.
	await deps.mailer.send({ to: email, subject: PARTY_INVITATION_SUBJECT, ...body, organizationId: user.organizationId });
	return ok({ email });
}

export type PartyInvitationView =
	{ state: 'valid'; invitation: store.PartyInvitation; canAccept: boolean; reason: string | null } | { state: 'expired' | 'used' | 'unknown' };

export async function viewPartyInvitation(sql: Sql, user: SessionUser | null, token: string, now = new Date()): Promise<PartyInvitationView> {
	const invitation = await store.findPartyInvitation(sql, hashToken(token));
	if (!invitation) return { state: 'unknown' };
	if (invitation.acceptedAt) return { state: 'used' };
	if (invitation.expiresAt <= now) return { state: 'expired' };
	const reason = user ? acceptProblem(user, invitation) : 'Sign in to accept.';
	return { state: 'valid', invitation, canAccept: reason === null, reason };
}

/** Only the person it was sent to, for an organization of the invited kind, may accept it. */
function acceptProblem(user: SessionUser, invitation: store.PartyInvitation): string | null {
	const side = invitation.side;
	if (user.email.toLowerCase() !== invitation.email.toLowerCase()) {
		return `This invitation was sent to ${invitation.email}. Sign in with that address to accept it.`;
	}
	if (!user.emailVerified) {
		return `Confirm your email address first: follow the link we mailed to ${user.email} (your account page can send it again).`;
	}
	if (user.organizationKind !== side) {
		return `This invitation is for a ${side === 'district' ? 'school district' : 'law enforcement agency'}; your organization is not one.`;
	}
	if (!can(user, 'acceptPartyInvitation')) return 'Only counsel or an administrator can accept on behalf of your organization.';
	return null;
}

export async function acceptPartyInvitation(
	sql: Sql,
	user: SessionUser,
	token: string,
	now = new Date(),
	collab?: Pick<CollabServer, 'applyServerChange'>
): Promise<Outcome<{ mouId: string }>> {
	const view = await viewPartyInvitation(sql, user, token, now);
	if (view.state !== 'valid') return failure('not_now', 'This invitation is no longer valid.');
	if (!view.canAccept) return failure('forbidden', view.reason!);
	const mouId = await sql.begin(async (tx) => {
		if (await store.sideTaken(tx, view.invitation.mouId, view.invitation.side)) return null;
		const claimed = await store.claimPartyInvitation(tx, view.invitation.id, user.id, now);
		if (!claimed) return null;
		await store.insertParty(tx, claimed.mouId, user.organizationId, claimed.side);
		// The side was free, so the MOU had one party: a draft. Anything else is not ours to move.
		if (!(await store.transitionStatus(tx, claimed.mouId, 'draft', 'negotiating'))) {
			throw new Error(`MOU ${claimed.mouId} was not a draft when its second party joined.`);
		}
		return claimed.mouId;
	});
	if (!mouId) return failure('not_now', 'The other party has already joined this MOU.');
	if (collab) await fillPartyName(collab, mouId, user.id, view.invitation.side, user.organizationName);
	return ok({ mouId });
}

export function listPartyInvitations(sql: Sql, mouId: string) {
	return store.listPartyInvitations(sql, mouId);
}
