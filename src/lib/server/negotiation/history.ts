import type { SessionUser } from '$lib/server/auth';
import type { Sql } from '$lib/server/db';
import type { MouAccess } from '$lib/server/mous';
import { otherParty, type Party } from '$lib/mou/party';
import * as store from './store';

/** How many timeline entries a page shows (newest first). */
const EVENT_LIMIT = 200;

export interface TimelineEvent {
	id: string;
	at: Date;
	kind: string;
	summary: string;
	party: Party | null;
	userName: string | null;
	organizationName: string | null;
	/** The version a round or agreement event created, for its Compare link. */
	versionId: string | null;
	/** A few words of the text a decision was about. */
	excerpt: string | null;
}

export interface VersionEntry extends store.VersionSummary {
	/** The version before it, for a "compare with the previous round" link. */
	previousId: string | null;
}

export interface PartyApproval {
	side: Party;
	partyName: string;
	approvedBy: string | null;
	approvedAt: Date | null;
}

export interface NegotiationView {
	approvals: PartyApproval[];
	versions: VersionEntry[];
	events: TimelineEvent[];
	otherParty: { side: Party; name: string } | null;
	/** What this person may do now (the server checks again on submit). */
	canSend: boolean;
	canApprove: boolean;
	canWithdrawApproval: boolean;
}

function text(value: unknown, max: number): string | null {
	return typeof value === 'string' ? value.slice(0, max) : null;
}

/** A decision event lists the suggestions decided; the first one's words stand for them. */
function firstExcerpt(suggestions: unknown): string | null {
	if (!Array.isArray(suggestions) || suggestions.length === 0) return null;
	const excerpt = text((suggestions[0] as { excerpt?: unknown } | null)?.excerpt, 200);
	return excerpt && suggestions.length > 1 ? `${excerpt} (and ${suggestions.length - 1} more)` : excerpt;
}

/** The negotiation state of an MOU for someone who may open it (access comes from getMouAccess). */
export async function loadNegotiation(sql: Sql, user: SessionUser, access: MouAccess): Promise<NegotiationView> {
	const mouId = access.mou.id;
	const [approvalRows, versionRows, eventRows] = await Promise.all([
		store.listApprovals(sql, mouId),
		store.listVersions(sql, mouId),
		store.listEvents(sql, mouId, EVENT_LIMIT)
	]);
	const approvals = access.mou.parties.map((party): PartyApproval => {
		const given = approvalRows.find((a) => a.party === party.side);
		return { side: party.side, partyName: party.name, approvedBy: given?.userName ?? null, approvedAt: given?.approvedAt ?? null };
	});
	const versions = versionRows.map((version, index) => ({ ...version, previousId: versionRows[index + 1]?.id ?? null }));
	const events = eventRows.map(({ detail, ...event }) => ({
		...event,
		versionId: text(detail?.versionId, 64),
		excerpt: text(detail?.excerpt, 200) ?? firstExcerpt(detail?.suggestions)
	}));
	const other = access.mou.parties.find((p) => p.side === otherParty(access.side));
	const counselNegotiating = user.role === 'counsel' && access.mou.status === 'negotiating';
	const mine = approvalRows.some((a) => a.party === access.side);
	return {
		approvals,
		versions,
		events,
		otherParty: other ? { side: other.side, name: other.name } : null,
		canSend: counselNegotiating && Boolean(other),
		canApprove: counselNegotiating && !mine,
		canWithdrawApproval: counselNegotiating && mine
	};
}
