import type { Sql } from '../../src/lib/server/db';
import type { CollabRelay } from '../../src/lib/server/collab';
import { authorizeCollab, collabDocumentRules } from '../../src/lib/server/mous';
import { collabPath } from '../../src/lib/collab/protocol';
import { serveCollab } from './collab-loopback';

/**
 * The collaboration server behind a real HTTP server on a loopback port, authorizing connections
 * by their session cookie exactly as the app does.
 */
export async function startCollabHttp(sql: Sql, relay?: CollabRelay) {
	const server = await serveCollab({
		sql,
		authorize: (req, mouId) => authorizeCollab(sql, req, mouId),
		documentRules: (mouId) => collabDocumentRules(sql, mouId),
		relay
	});
	return {
		collab: server.collab,
		/** The websocket address of an MOU's live document. */
		url: (mouId: string) => `ws://127.0.0.1:${server.port}${collabPath(mouId)}`,
		close: server.stop
	};
}
