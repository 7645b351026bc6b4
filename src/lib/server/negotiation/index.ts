/**
 * Negotiation between the two parties: rounds sent to the other side (named versions with the
 * full stored state), approvals, the agreement that freezes the text, and the history timeline.
 */
export { sendRound, type RoundSent } from './rounds';
export { approveDraft, withdrawApproval, type Approved } from './approval';
export { loadNegotiation } from './history';
export type { NegotiationView, TimelineEvent, VersionEntry, PartyApproval } from '$lib/negotiation/types';
export { approvalBlockers, draftReadiness } from './readiness';
export type { NegotiationDeps, LiveNotifier } from './deps';
