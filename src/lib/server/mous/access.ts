import type { SessionUser } from '$lib/server/auth';
import type { Party } from '$lib/mou/party';
import { can } from '$lib/mou/lifecycle';
import type { MouSummary } from './store';

export interface MouAccess {
	mou: MouSummary;
	side: Party;
	/** Counsel of a party may edit while the MOU is being drafted or negotiated (lifecycle `edit`). */
	canEdit: boolean;
	/** Counsel or an administrator may invite the other side until it has joined (lifecycle `inviteParty`). */
	canInviteParty: boolean;
	/** Counsel may change the state profile while the MOU is a draft (lifecycle `changeStateProfile`). */
	canChangeState: boolean;
}

export function accessFor(user: SessionUser, mou: MouSummary & { side: Party }): MouAccess {
	const otherPartyJoined = mou.parties.some((p) => p.side !== mou.side);
	return {
		mou,
		side: mou.side,
		canEdit: can(user, 'edit', mou),
		canInviteParty: can(user, 'inviteParty', { status: mou.status, otherPartyJoined }),
		canChangeState: can(user, 'changeStateProfile', mou)
	};
}

/** The name of the person's own party on this MOU, as the history and refusals say it. */
export function ownPartyName(access: MouAccess): string {
	return access.mou.parties.find((p) => p.side === access.side)?.name ?? (access.side === 'agency' ? 'The agency' : 'The district');
}
