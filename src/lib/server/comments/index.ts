/**
 * Comment threads on an MOU's text. Shared threads are read by both parties; internal ones only by
 * their own party's counsel and signatories — filtered in SQL on every read and checked on every action.
 */
export { listThreads, addComment, replyToThread, setThreadResolved, commentsSince } from './comments';
export { replyToSuggestion, type SuggestionReplyInput } from './suggestions';
export type { CommentsDeps } from './post';
export { listMentionable } from './mentions';
export { MAX_BODY_LENGTH, MAX_ANCHOR_BYTES } from './validation';
export type { ThreadView, CommentView, Visibility } from '$lib/comments/types';
