/**
 * Accounts that can be trusted and recovered: proving an email address, changing it, and
 * resetting or changing a password — each by a single-use link mailed to the address.
 */
export type { AccountDeps } from './links';
export { VERIFY_LIFETIME_MS, RESET_LIFETIME_MS } from './links';
export { sendVerification, requestEmailChange, confirmEmail, lookUpConfirmation, confirmationProblem } from './verification';
export { requestPasswordReset, lookUpReset, resetPassword, changePassword, RESET_REQUESTED, RESETS_PER_EMAIL_PER_HOUR } from './credentials';
