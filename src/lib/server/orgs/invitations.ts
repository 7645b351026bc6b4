import type { Sql } from '$lib/server/db';
import { generateToken, hashToken, hashPassword, passwordProblem, type SessionUser } from '$lib/server/auth';
import { composeEmail, type Mailer } from '$lib/server/mail';
import { invitationRefusal, invitedBy } from '$lib/server/invitations';
import * as store from './store';
import { cleanText, isRole, normalizeEmail } from './validation';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import type { FieldErrors } from './accounts';

export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** Fixed: the organization's name, typed by whoever founded it, stays in the body, quoted. */
export const MEMBER_INVITATION_SUBJECT = 'An invitation to join your colleagues on MOU Studio';

const ROLE_LABEL: Record<store.Role, string> = {
	counsel: 'counsel (drafts and negotiates)',
	signatory: 'signatory',
	viewer: 'viewer'
};

/** An administrator invites a colleague by email with a role; the link expires in 7 days. */
export async function inviteMember(
	deps: { sql: Sql; mailer: Mailer; origin: string },
	admin: SessionUser,
	input: { email: unknown; role: unknown; isAdmin?: unknown },
	now = new Date()
): Promise<Outcome<{ email: string; link: string }>> {
	if (!admin.isAdmin) return failure('forbidden', 'Only administrators can invite colleagues.');
	const errors: FieldErrors = {};
	const email = normalizeEmail(input.email);
	if (!email) errors.email = 'Enter a valid email address.';
	if (!isRole(input.role)) errors.role = 'Choose counsel, signatory or viewer.';
	if (email && (await store.emailTaken(deps.sql, email))) errors.email = 'This person already has an account.';
	if (Object.keys(errors).length) return invalid(errors);
	const refused = await invitationRefusal(deps.sql, admin, { organizationId: admin.organizationId }, now);
	if (refused) return refused;

	const token = generateToken();
	const expiresAt = new Date(now.getTime() + INVITATION_LIFETIME_MS);
	await store.insertInvitation(deps.sql, {
		organizationId: admin.organizationId,
		email: email!,
		role: input.role as store.Role,
		isAdmin: input.isAdmin === true || input.isAdmin === 'on',
		tokenHash: hashToken(token),
		invitedBy: admin.id,
		expiresAt
	});
	const url = `${deps.origin}/invitations/${token}`;
	const body = composeEmail({
		greeting: 'Hello,',
		paragraphs: [
			`You are invited to join an organization on MOU Studio, where police agencies and school districts negotiate School Resource Officer agreements, as ${ROLE_LABEL[input.role as store.Role]}.`,
			...invitedBy(admin),
			`If you expected it, accept by ${expiresAt.toUTCString()}. If not, ignore this email.`
		],
		action: { label: 'Accept the invitation', url }
	});
	await deps.mailer.send({ to: email!, subject: MEMBER_INVITATION_SUBJECT, ...body, organizationId: admin.organizationId });
	// The link is the administrator's to hand over when no mail server delivers it (the invitee has no inbox yet).
	return ok({ email: email!, link: url });
}

export type InvitationState = { state: 'valid'; invitation: store.Invitation } | { state: 'expired' | 'used' | 'unknown' };

export async function lookUpInvitation(sql: Sql, token: string, now = new Date()): Promise<InvitationState> {
	const invitation = await store.findInvitationByTokenHash(sql, hashToken(token));
	if (!invitation) return { state: 'unknown' };
	if (invitation.acceptedAt) return { state: 'used' };
	if (invitation.expiresAt.getTime() <= now.getTime()) return { state: 'expired' };
	return { state: 'valid', invitation };
}

/** The invited person sets their name and password and joins with the invited role. */
export async function acceptInvitation(
	sql: Sql,
	token: string,
	input: { name: unknown; password: unknown; title?: unknown },
	now = new Date()
): Promise<Outcome<{ userId: string }>> {
	const found = await lookUpInvitation(sql, token, now);
	if (found.state !== 'valid') return failure('not_now', invitationProblem(found.state));
	const errors: FieldErrors = {};
	const name = cleanText(input.name);
	const password = typeof input.password === 'string' ? input.password : '';
	if (name.length < 2) errors.name = 'Enter your full name.';
	const weak = passwordProblem(password);
	if (weak) errors.password = weak;
	if (Object.keys(errors).length) return invalid(errors);

	const { invitation } = found;
	const passwordHash = await hashPassword(password);
	const userId = await sql.begin(async (tx) => {
		if (!(await store.claimInvitation(tx, invitation.id, now))) return null;
		if (await store.emailTaken(tx, invitation.email)) return null;
		// The invitation's link was mailed to this address: following it proves the address.
		const id = await store.insertUser(tx, invitation.email, name, passwordHash, now);
		await store.insertMembership(tx, {
			userId: id,
			organizationId: invitation.organizationId,
			role: invitation.role,
			title: cleanText(input.title) || null,
			isAdmin: invitation.isAdmin
		});
		return id;
	});
	if (!userId) return failure('not_now', invitationProblem('used'));
	return ok({ userId });
}

export function invitationProblem(state: 'expired' | 'used' | 'unknown'): string {
	if (state === 'expired') return 'This invitation has expired. Ask your administrator to send a new one.';
	if (state === 'used') return 'This invitation has already been used. Sign in instead.';
	return 'This invitation link is not valid.';
}
