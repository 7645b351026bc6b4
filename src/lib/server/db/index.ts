import postgres from 'postgres';
import { startEmbeddedPostgres } from './embedded';
import { connectPreferringSocket } from './local-socket';
import { migrate } from './migrate';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;
/** What `sql.json()` takes (postgres.js 4 no longer exports it by name). */
export type JSONValue = postgres.JSONValue;
export { SqlState, hasSqlState, type SqlStateCode } from './errors';

export interface Database {
	sql: Sql;
	kind: 'postgres' | 'pglite';
	close(): Promise<void>;
}

export interface DatabaseOptions {
	/** A real PostgreSQL server; without it an embedded PGlite is used. */
	url?: string;
	/** Where PGlite keeps its files; undefined keeps them in memory. */
	dataDir?: string;
	max?: number;
	/**
	 * DATABASE_SOCKET: "auto" (or the socket's directory) reaches a loopback `url` over PostgreSQL's
	 * Unix socket when that leads to the same server (local-socket.ts); unset keeps TCP.
	 */
	socket?: string;
}

const quiet = { onnotice: () => {} };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
	if (options.url) {
		const { sql } = await connectPreferringSocket(options.url, options.socket, { max: options.max ?? 10, ...quiet });
		await migrate(sql);
		return { sql, kind: 'postgres', close: () => sql.end({ timeout: 5 }) };
	}
	const embedded = await startEmbeddedPostgres(options.dataDir);
	// One connection only: pglite-socket interleaves concurrent transactions of several
	// connections on its single backend and returns wrong results. Types read at the start
	// (`eager_types`), on that connection: postgres.js 4 otherwise reads them when a query first
	// meets a type it does not know, on a second connection, which pglite-socket holds back while
	// the first is in a transaction, and that query then waits for the read until both fail.
	const sql = postgres({
		path: embedded.socketPath,
		max: 1,
		user: 'postgres',
		database: 'postgres',
		eager_types: true,
		...quiet
	});
	await migrate(sql);
	return {
		sql,
		kind: 'pglite',
		async close() {
			await sql.end({ timeout: 5 });
			await embedded.stop();
		}
	};
}
