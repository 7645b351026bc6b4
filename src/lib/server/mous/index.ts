export { createMou, listMous, getMouAccess } from './mous';
export { inviteParty, viewPartyInvitation, acceptPartyInvitation, listPartyInvitations } from './party-invitations';
export { authorizeCollab } from './collab-access';
export { otherSide, type MouAccess } from './access';
export type { MouSummary, MouStatus, Party, Side } from './store';
export { draftReadiness } from './readiness';
