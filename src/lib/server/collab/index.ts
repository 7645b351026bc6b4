/**
 * The collaboration server: the y-websocket protocol (sync + awareness) over `ws`, with every
 * update checked by the document guard and stored in PostgreSQL before anyone else sees it.
 * Several instances share live documents through a relay (Redis); PostgreSQL stays the store.
 */
export { createCollabServer, type CollabServer } from './server';
export { createRedisRelay, type RedisRelayOptions } from './redis-relay';
export type { CollabRelay } from './relay';
export { appendInitialState, loadDocumentState } from './persistence';
export { ChangeRefused, DocumentFrozen } from './room';
export { DEFAULT_LIMITS } from './types';
export type { CollabAuthorization, CollabIdentity, CollabLimits, CollabLog, CollabServerOptions, CollabStats, DocumentRules } from './types';
