// Production entry: SvelteKit's adapter-node handler plus the collaboration websocket on one port.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hostname, networkInterfaces } from 'node:os';

if (process.argv.includes('--demo')) process.env.MOU_DEMO = '1';

const root = fileURLToPath(new URL('..', import.meta.url));
const handlerPath = new URL('../build/handler.js', import.meta.url);

// Behind a proxy every request arrives from the proxy's address unless ADDRESS_HEADER names the header
// carrying the client's: the limits counted per client address would then count everyone together.
if ((process.env.ORIGIN || process.env.PROTOCOL_HEADER || process.env.HOST_HEADER) && !process.env.ADDRESS_HEADER) {
	console.warn(
		'Warning: ORIGIN, PROTOCOL_HEADER or HOST_HEADER is set (behind a proxy?) but ADDRESS_HEADER is not: every request will seem to come from the proxy, so one client can trip the per-address limits (sign-in, password reset, public comments) for everyone. Set ADDRESS_HEADER (e.g. x-forwarded-for, with XFF_DEPTH) — see "Behind a proxy" in README.md.'
	);
}

if (!existsSync(handlerPath) || process.env.REBUILD === '1') {
	console.log('Building MOU Studio (first start only)…');
	const built = spawnSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
	if (built.status !== 0) process.exit(built.status ?? 1);
}

if (!process.env.DATABASE_URL) {
	console.log(`No DATABASE_URL: using the embedded database in ${process.env.DATA_DIR || '.data/pglite'}`);
}

// This server speaks plain HTTP. adapter-node takes every request to be https unless ORIGIN or
// PROTOCOL_HEADER says otherwise, so a browser's http:// Origin would never match and every form post
// would be refused as cross-site. Unless the operator configured either (behind a proxy), each request
// is told the truth through a header of our own, overwriting whatever a client sent in it.
const LOCAL_PROTOCOL_HEADER = 'x-mou-studio-local-protocol';
const stampProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (stampProtocol) process.env.PROTOCOL_HEADER = LOCAL_PROTOCOL_HEADER;
/** @param {import('node:http').IncomingMessage} req */
function stampLocalProtocol(req) {
	if (stampProtocol) req.headers[LOCAL_PROTOCOL_HEADER] = 'http';
}

// Without ORIGIN, SvelteKit builds url.origin (and so every link in mail) from the request's Host
// header, which a client chooses: a request for evil.example would mail others links to it. So unless
// the operator set ORIGIN, only this machine's own names are served.
const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', hostname().toLowerCase(), (process.env.HOST || '').toLowerCase()]);
for (const list of Object.values(networkInterfaces())) for (const net of list ?? []) LOCAL_NAMES.add(net.family === 'IPv6' ? `[${net.address}]` : net.address);
/** @param {import('node:http').IncomingMessage} req */
function hostIsOurs(req) {
	if (process.env.ORIGIN) return true;
	const name = (req.headers.host || '').toLowerCase().replace(/:\d+$/, '');
	return LOCAL_NAMES.has(name);
}
const MISDIRECTED = 'This server answers only to its own addresses. Behind a proxy or on a public name, set ORIGIN to its public address.';

// /verify takes signed DOCX uploads up to 10 MB (SvelteKit's default body limit is 512 KB).
process.env.BODY_SIZE_LIMIT ??= '11M';
// Importing the handler runs SvelteKit's init hook, which opens the database and registers the collab server.
const { handler } = await import(handlerPath.href);
const collab = globalThis.mouStudioCollab;

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || '127.0.0.1';
// While shutting down, /health says so at once, so that a load balancer stops sending new
// clients here before the open ones are closed (they reconnect to another instance).
let draining = false;
const server = createServer((req, res) => {
	stampLocalProtocol(req);
	if (!hostIsOurs(req)) {
		res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
		res.end(MISDIRECTED);
		return;
	}
	if (draining && req.url === '/health') {
		res.writeHead(503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
		res.end(JSON.stringify({ status: 'draining' }));
		return;
	}
	handler(req, res);
});
server.on('upgrade', (req, socket, head) => {
	stampLocalProtocol(req);
	if (!hostIsOurs(req)) socket.destroy();
	else if (req.url?.startsWith('/collab/')) collab.handleUpgrade(req, socket, head);
	else socket.destroy();
});
server.listen(port, host, () => {
	console.log(`MOU Studio is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`);
});

async function shutdown() {
	draining = true;
	server.close();
	await globalThis.mouStudioRuntime?.close?.();
	process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
