/** Suggesting mode (tracked changes) for the MOU editor; see transform.ts for the rules. */
export { suggestContext, type SuggestContext, type SuggestUser } from './attrs';
export { suggestTransaction, type SuggestOutcome } from './transform';
export { SUGGESTION_META } from './meta';
export { writeTextEdits } from './yjs-writer';
export { dispatchInParts, syncParts } from './sync-parts';
export { NOTICES, type Notice } from './notices';
export { SuggestionMode, SuggestionKeys, type SuggestionModeOptions } from './extension';
export { collectSuggestions, collectTermProposals, suggestionRange, type TextSuggestion, type PendingTermProposal } from './collect';
export { describeSuggestion } from './labels';
export { formatWhen, excerpt } from './format';
export { createEditorApi, revealRange, MAX_QUOTE_LENGTH, type EditorApi, type CommentAnchor, type HighlightedAnchor } from './api';
export { commentHighlights, CommentHighlights } from './comment-highlights';
export { termProposer, type TermProposer, type TermProposalHost } from './term-proposals';
