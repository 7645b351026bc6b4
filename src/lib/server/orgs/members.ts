import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { failure, invalid, ok, type Outcome } from '$lib/errors';
import * as store from './store';
import { isRole } from './validation';

/**
 * Administrators change a colleague's role (and whether they administer) or remove them. Either
 * takes effect at once everywhere: `onAccessChanged` tells the live documents (every instance) to
 * re-check that person's open connections; a removed member's sessions end.
 */

export interface MemberDeps {
	sql: Sql;
	/** The person's access changed: their open websockets must be judged again, on every instance. */
	onAccessChanged(userId: string): Promise<void> | void;
}

const NOT_A_MEMBER = failure('not_found', 'That person is not a member of your organization.');

export async function changeMember(
	deps: MemberDeps,
	admin: SessionUser,
	input: { userId: unknown; role: unknown; isAdmin?: unknown }
): Promise<Outcome<{ name: string }>> {
	if (!admin.isAdmin) return failure('forbidden', 'Only administrators can change roles.');
	if (!isRole(input.role)) return invalid({ role: 'Choose counsel, signatory or viewer.' });
	const makeAdmin = input.isAdmin === true || input.isAdmin === 'on';
	const role = input.role;
	const outcome = await deps.sql.begin(async (tx): Promise<Outcome<{ name: string }>> => {
		const admins = await store.lockMembers(tx, admin.organizationId);
		const member = typeof input.userId === 'string' ? admins.find((m) => m.userId === input.userId) : undefined;
		if (!member) return NOT_A_MEMBER;
		if (member.isAdmin && !makeAdmin && admins.filter((m) => m.isAdmin).length === 1) {
			return failure('not_now', 'Your organization needs at least one administrator: make someone else an administrator first.');
		}
		await store.updateMembership(tx, member.userId, admin.organizationId, role, makeAdmin);
		return ok({ name: member.name });
	});
	if (outcome.ok && typeof input.userId === 'string') await deps.onAccessChanged(input.userId);
	return outcome;
}

/** The account stays (its name is on what it wrote and signed); it can no longer sign in. */
export async function removeMember(deps: MemberDeps, admin: SessionUser, input: { userId: unknown }): Promise<Outcome<{ name: string }>> {
	if (!admin.isAdmin) return failure('forbidden', 'Only administrators can remove members.');
	if (input.userId === admin.id) return failure('not_now', 'You cannot remove yourself. Another administrator can.');
	const outcome = await deps.sql.begin(async (tx): Promise<Outcome<{ name: string }>> => {
		const members = await store.lockMembers(tx, admin.organizationId);
		const member = typeof input.userId === 'string' ? members.find((m) => m.userId === input.userId) : undefined;
		if (!member) return NOT_A_MEMBER;
		await store.deleteMembership(tx, member.userId, admin.organizationId);
		return ok({ name: member.name });
	});
	if (outcome.ok && typeof input.userId === 'string') await deps.onAccessChanged(input.userId);
	return outcome;
}
