export { signUpWithOrganization, type FieldErrors } from './accounts';
export { inviteMember, lookUpInvitation, acceptInvitation, invitationProblem, INVITATION_LIFETIME_MS, MEMBER_INVITATION_SUBJECT } from './invitations';
export { listMembers, listPendingInvitations, findOrganization, type Role, type Member } from './store';
export { normalizeEmail, cleanText, isTimeZone, ROLES } from './validation';
export { changeMember, removeMember, type MemberDeps } from './members';
