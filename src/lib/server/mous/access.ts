import type { SessionUser } from '$lib/server/auth';
import type { MouStatus, MouSummary, Side } from './store';

/** Statuses in which the text may still change. */
const EDITABLE: readonly MouStatus[] = ['draft', 'negotiating'];

export interface MouAccess {
	mou: MouSummary;
	side: Side;
	/** Counsel of a party may edit while the MOU is being drafted or negotiated. */
	canEdit: boolean;
	/** Counsel of a party may invite the other side until it has joined. */
	canInviteParty: boolean;
}

export function accessFor(user: SessionUser, mou: MouSummary & { side: Side }): MouAccess {
	const isCounsel = user.role === 'counsel';
	const otherSideJoined = mou.parties.some((p) => p.side !== mou.side);
	return {
		mou,
		side: mou.side,
		canEdit: isCounsel && EDITABLE.includes(mou.status),
		canInviteParty: (isCounsel || user.isAdmin) && !otherSideJoined
	};
}

export function otherSide(side: Side): Side {
	return side === 'agency' ? 'district' : 'agency';
}
