export type { SessionUser } from './store';
export { createSession, validateSessionToken, invalidateSession, SESSION_LIFETIME_MS } from './sessions';
export { signIn, changePassword } from './sign-in';
export { hashPassword, passwordProblem, MIN_PASSWORD_LENGTH } from './passwords';
export { generateToken, hashToken } from './tokens';
export { SESSION_COOKIE } from './sessions';
export { isSameOriginPost, isSameOriginUpgrade, siteOrigin } from './same-origin';
export { requireUser, requireUserForAction } from './require';
export { setSessionCookie, deleteSessionCookie } from './cookies';
