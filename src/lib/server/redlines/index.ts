/**
 * Redlines on the server: what suggestions are open in a document, and deciding on them.
 * The rules a client's own edits must follow are enforced by the collaboration server
 * (collab/tracked); decisions are made here, never by a browser.
 */
export { decideSuggestions, type DecideInput } from './decide';
export { applyDecisions, DecisionRefused, type Decider } from './apply';
export { listOpenSuggestions, openSuggestions, type OpenSuggestion } from './scan';
export { listDecisions, decisionsSince, lockSuggestions } from './store';
