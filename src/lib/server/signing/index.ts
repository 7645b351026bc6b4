/**
 * Electronic signature of an agreed MOU: counsel prepares and sends a request; each signer, in
 * turn, proves who they are (emailed one-time code or their account, plus an optional access
 * code), accepts the consumer disclosure, reads the agreed text and signs or declines; the last
 * signature makes the MOU signed, once. Everything lands in a hash-chained audit trail.
 */
export type { SigningDeps, RequestContext } from './deps';
export { prefillDraft, sendForSignature, prepareProblem, capacityFromTitle, type SentForSignature, type SendResult } from './prepare';
export { parsePrepareForm, validatePrepare, MAX_SIGNERS, MAX_RECIPIENTS } from './validation';
export { eligibleMembers, roleMaySign, SIGNING_ROLES } from './eligibility';
export {
	openSigningLink,
	recordView,
	requestCode,
	verifyCode,
	continueWithAccount,
	verifyAccessCode,
	giveConsent,
	sign,
	decline,
	linkStateMessage,
	CODE_LIFETIME_MS,
	CODE_MAX_FAILURES,
	CEREMONY_LIFETIME_MS,
	type CeremonyView,
	type CeremonyInput,
	type CeremonyStarted,
	type LinkState,
	type Step
} from './ceremony';
export { voidRequest, recordDownload } from './manage';
export { listMySignatures, signFromDashboard, type PendingSignature } from './mine';
export { setCeremonyCookie, CEREMONY_COOKIE } from './ceremony-cookie';
export { runSigningDuties, type DutiesReport } from './duties';
export { loadCertificate, loadCertificateByToken } from './certificate';
export { loadSigningOverview, loadAuditTrail, type SigningOverview, type RequestView, type SignerView, type AuditTrailView } from './overview';
export { verifyAuditChain, appendAudit, canonicalJson, type ChainVerification } from './audit';
export { signedDates } from './complete';
export { renderAgreement } from './render';
export { checkSignatureImage } from './signature';
export { flushMessages } from './mail';
export { certificateDocument } from './certificate-html';
