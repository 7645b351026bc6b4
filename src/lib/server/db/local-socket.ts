import { existsSync } from 'node:fs';
import postgres from 'postgres';

/** Where PostgreSQL's packages put its socket (Debian/Ubuntu, then the compiled-in default). */
const SOCKET_DIRECTORIES = ['/var/run/postgresql', '/tmp'];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * The Unix socket of the PostgreSQL a loopback DATABASE_URL names, when asked for and there is one.
 * `setting` is DATABASE_SOCKET: unset or "off" keeps TCP as the URL says; "auto" looks where
 * PostgreSQL's packages put the socket; a directory is looked in instead. A URL that asks for TLS
 * stays on TCP (a socket has none). Not the default: each commit costs this process less over the
 * socket (system time 22 → 8 µs), but commits come back sooner, so the collaboration writer's
 * batches get smaller and its CPU per edit rises (bench/README.md, "PostgreSQL over its socket").
 */
export function localSocketPath(url: string, setting: string | undefined): string | null {
	if (!setting || setting === 'off') return null;
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return null; // several hosts, or something postgres.js parses and URL does not
	}
	if (!LOOPBACK_HOSTS.has(parsed.hostname) || parsed.searchParams.has('sslmode') || parsed.searchParams.has('ssl')) return null;
	const port = parsed.port || '5432';
	const directories = setting === 'auto' ? SOCKET_DIRECTORIES : [setting];
	for (const directory of directories) {
		const path = `${directory}/.s.PGSQL.${port}`;
		if (existsSync(path)) return path;
	}
	return null;
}

/** Who a connection reached: the same server started once, the same database in it. */
const IDENTITY = `select pg_postmaster_start_time()::text || ' ' || current_setting('port') || ' ' ||
	(select oid from pg_database where datname = current_database())::text as id`;

/**
 * The client for `url`, over the local socket when that reaches the very server (and database)
 * the URL names and lets us in as the URL's user; otherwise over TCP as the URL says. A socket
 * of another PostgreSQL on this machine (a container publishing 5432 next to a local one) or one
 * whose pg_hba.conf refuses us is never used. Costs one TCP connection at start.
 */
export async function connectPreferringSocket(
	url: string,
	setting: string | undefined,
	options: postgres.Options<Record<string, postgres.PostgresType>>
): Promise<{ sql: postgres.Sql; path: string | null }> {
	const path = localSocketPath(url, setting);
	if (!path) return { sql: postgres(url, options), path: null };
	const viaSocket = postgres(url, { ...options, path });
	const viaTcp = postgres(url, { ...options, max: 1 });
	try {
		const [[socketSide], [tcpSide]] = await Promise.all([viaSocket.unsafe(IDENTITY), viaTcp.unsafe(IDENTITY)]);
		if (socketSide.id === tcpSide.id) return { sql: viaSocket, path };
	} catch {
		// Refused on the socket (or not reachable at all: TCP below says why).
	} finally {
		await viaTcp.end({ timeout: 1 });
	}
	await viaSocket.end({ timeout: 1 });
	return { sql: postgres(url, options), path: null };
}
