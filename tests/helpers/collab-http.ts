import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sql } from '../../src/lib/server/db';
import { createCollabServer, type CollabRelay } from '../../src/lib/server/collab';
import { authorizeCollab, collabDocumentRules } from '../../src/lib/server/mous';
import { collabPath } from '../../src/lib/collab/protocol';

/**
 * The collaboration server behind a real HTTP server on a loopback port, authorizing connections
 * by their session cookie exactly as the app does.
 */
export async function startCollabHttp(sql: Sql, relay?: CollabRelay) {
	const collab = createCollabServer({
		sql,
		authorize: (req, mouId) => authorizeCollab(sql, req, mouId),
		documentRules: (mouId) => collabDocumentRules(sql, mouId),
		relay
	});
	const http = createServer((_req, res) => res.writeHead(404).end());
	http.on('upgrade', (req, socket, head) => collab.handleUpgrade(req, socket, head));
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const port = (http.address() as AddressInfo).port;
	return {
		collab,
		/** The websocket address of an MOU's live document. */
		url: (mouId: string) => `ws://127.0.0.1:${port}${collabPath(mouId)}`,
		async close() {
			await collab.close();
			await new Promise((resolve) => http.close(resolve));
		}
	};
}
