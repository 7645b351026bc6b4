export { createMou, listMous, getMouAccess } from './mous';
export { changeStateProfile } from './state-profile';
export { inviteParty, viewPartyInvitation, acceptPartyInvitation, listPartyInvitations } from './party-invitations';
export { authorizeCollab } from './collab-access';
export { collabDocumentRules } from './collab-rules';
export { PARTY_NAME_TERM } from './party-names';
export type { MouAccess } from './access';
export type { MouSummary, MouStatus, MouParty } from './store';
export { transitionStatus, touchActivity } from './store';
