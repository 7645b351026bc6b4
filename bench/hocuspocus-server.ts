/**
 * The second peer of bench/collab-load.ts: Hocuspocus 4 as its documentation sets it up with
 * @hocuspocus/extension-database on PostgreSQL (one row per document holding its whole state,
 * loaded when the document opens, written by Hocuspocus's debounced onStoreDocument: 2 s after
 * the last change, at most every 10 s while typing goes on). No authentication hook. Edits are
 * relayed as soon as they are applied, before they are stored. Started with DATABASE_URL (the
 * benchmark's database; the table is made here); answers measurements over IPC.
 */
import { Server } from '@hocuspocus/server';
import { Database } from '@hocuspocus/extension-database';
import postgres from 'postgres';
import { answerMeasurements } from './collab-load-measure';

export const HOCUSPOCUS_TABLE = 'hocuspocus_documents';

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
await sql`create table if not exists hocuspocus_documents (name text primary key, state bytea not null)`;

const server = new Server({
	quiet: true,
	stopOnSignals: false,
	// The benchmark's readers send nothing once synced (HocuspocusProvider renews its awareness
	// every 15 s, which keeps it under the default 60 s idle timeout).
	timeout: 3_600_000,
	extensions: [
		new Database({
			fetch: async ({ documentName }) => {
				const [row] = await sql<{ state: Uint8Array }[]>`select state from hocuspocus_documents where name = ${documentName}`;
				return row ? new Uint8Array(row.state) : null;
			},
			store: async ({ documentName, state }) => {
				await sql`insert into hocuspocus_documents (name, state) values (${documentName}, ${state})
					on conflict (name) do update set state = excluded.state`;
			}
		})
	]
});

server.httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
	const address = server.httpServer.address();
	answerMeasurements(() => ({ documents: server.hocuspocus.getDocumentsCount() }));
	process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
