/**
 * The collaboration server: the y-websocket protocol (sync + awareness) over `ws`, with every
 * update checked by the document guard and stored in PostgreSQL before anyone else sees it.
 */
export { createCollabServer, type CollabServer } from './server';
export { appendInitialState, loadDocumentState } from './persistence';
export type {
	CollabAuthorization,
	CollabIdentity,
	CollabLimits,
	CollabLog,
	CollabServerOptions,
	CollabStats
} from './types';
