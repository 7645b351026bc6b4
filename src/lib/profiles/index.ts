/**
 * State-law profiles: pure logic shared by server and browser. The profile data lives in
 * templates/states/<code>/<version>/profile.json and is loaded by $lib/server/profiles.
 */
export { applyProfile, appliesTo, templateKey } from './apply';
export { assessProfile, findForbidden, type ProfileReport, type ProfileItemAssessment, type ProfileItemStatus, type ForbiddenMatch } from './assess';
export { profileProblems, REVIEW_STEP_KINDS } from './lint';
export { missingRequiredSigners } from './signers';
export type * from './types';
