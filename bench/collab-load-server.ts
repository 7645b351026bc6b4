/**
 * This project's collaboration server as production runs it (src/lib/server/runtime.ts: session
 * cookies checked against PostgreSQL, the lock guard, every update stored before it is relayed,
 * JSON logs on stdout), minus the SvelteKit pages. Started by bench/collab-load.ts with
 * DATABASE_URL (and optionally REDIS_URL) in its environment; answers measurements over IPC.
 */
import { createServer } from 'node:http';
import { getRuntime } from '../src/lib/server/runtime';
import { answerMeasurements } from './collab-load-measure';

const runtime = await getRuntime();
const http = createServer((_req, res) => res.writeHead(404).end());
http.on('upgrade', (req, socket, head) => {
	if (req.url?.startsWith('/collab/')) runtime.collab.handleUpgrade(req, socket, head);
	else socket.destroy();
});
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
	const address = http.address();
	answerMeasurements(() => ({ ...runtime.collab.stats() }));
	process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
