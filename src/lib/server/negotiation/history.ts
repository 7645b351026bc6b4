import type { SessionUser } from '$lib/server/auth';
import type { Sql } from '$lib/server/db';
import type { MouAccess } from '$lib/server/mous';
import { otherParty } from '$lib/mou/party';
import { can } from '$lib/mou/lifecycle';
import type { NegotiationView, PartyApproval } from '$lib/negotiation/types';
import * as store from './store';

/** How many timeline entries a page shows (newest first). */
const EVENT_LIMIT = 200;

function text(value: unknown, max: number): string | null {
	return typeof value === 'string' ? value.slice(0, max) : null;
}

/** A decision event lists the suggestions decided; the first one's words stand for them. */
function firstExcerpt(suggestions: unknown): string | null {
	if (!Array.isArray(suggestions) || suggestions.length === 0) return null;
	const excerpt = text((suggestions[0] as { excerpt?: unknown } | null)?.excerpt, 200);
	return excerpt && suggestions.length > 1 ? `${excerpt} (and ${suggestions.length - 1} more)` : excerpt;
}

/** The ids of the suggestions a decision event lists. */
function suggestionIds(suggestions: unknown): string[] {
	if (!Array.isArray(suggestions)) return [];
	const ids = suggestions.map((s) => (s as { id?: unknown } | null)?.id).filter((id): id is string => typeof id === 'string' && id.length <= 64);
	return [...new Set(ids)];
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
		excerpt: text(detail?.excerpt, 200) ?? firstExcerpt(detail?.suggestions),
		suggestionIds: event.kind === 'decision' ? suggestionIds(detail?.suggestions) : []
	}));
	const other = access.mou.parties.find((p) => p.side === otherParty(access.side));
	const mine = approvalRows.some((a) => a.party === access.side);
	return {
		approvals,
		versions,
		events,
		otherParty: other ? { side: other.side, name: other.name } : null,
		canSend: can(user, 'sendRound', access.mou) && Boolean(other),
		canApprove: can(user, 'approve', access.mou) && !mine,
		canWithdrawApproval: can(user, 'withdrawApproval', access.mou) && mine
	};
}
