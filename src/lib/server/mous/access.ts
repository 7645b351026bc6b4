import type { SessionUser } from '$lib/server/auth';
import type { Party } from '$lib/mou/party';
import type { MouStatus, MouSummary } from './store';

/** Statuses in which the text may still change. */
const EDITABLE: readonly MouStatus[] = ['draft', 'negotiating'];

export interface MouAccess {
	mou: MouSummary;
	side: Party;
	/** Counsel of a party may edit while the MOU is being drafted or negotiated. */
	canEdit: boolean;
	/** Counsel of a party may invite the other side until it has joined. */
	canInviteParty: boolean;
}

export function accessFor(user: SessionUser, mou: MouSummary & { side: Party }): MouAccess {
	const isCounsel = user.role === 'counsel';
	const otherSideJoined = mou.parties.some((p) => p.side !== mou.side);
	return {
		mou,
		side: mou.side,
		canEdit: isCounsel && EDITABLE.includes(mou.status),
		canInviteParty: (isCounsel || user.isAdmin) && !otherSideJoined
	};
}
