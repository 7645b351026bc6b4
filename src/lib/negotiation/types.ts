/**
 * What the negotiation panels show: named versions, each party's approval, the timeline, and
 * what the person may do now. Plain data, shared by the server (which builds it) and the pages.
 */
import type { Party } from '../mou/party';

export type VersionKind = 'round' | 'agreed';

export interface VersionSummary {
	id: string;
	number: number;
	kind: VersionKind;
	label: string;
	party: Party | null;
	createdAt: Date;
	createdByName: string | null;
	throughSeq: string;
	sha256: string;
}

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
	/** The suggestions a decision was about, to show their threads with it. */
	suggestionIds: string[];
}

export interface VersionEntry extends VersionSummary {
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
