import postgres from 'postgres';
import { startEmbeddedPostgres } from './embedded';
import { connectPreferringSocket } from './local-socket';
import { migrate } from './migrate';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;
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
	// connections on its single backend and returns wrong results.
	const sql = postgres({
		path: embedded.socketPath,
		max: 1,
		user: 'postgres',
		database: 'postgres',
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
