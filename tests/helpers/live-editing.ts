import { afterAll, afterEach, beforeAll } from 'vitest';
import type * as Y from 'yjs';
import type { Database, Sql } from '../../src/lib/server/db';
import { startCollabHttp } from './collab-http';
import { freshDatabase } from './db';
import type { Person } from './fixtures';
import { rowCount, storedDoc } from './stored-edits';
import { connectYjsClient, within, type YjsClient } from './yjs-client';

/**
 * One test file's live editing as the app runs it: a fresh database (`people` puts its people in
 * first), the collaboration server on a loopback port authorizing by session cookie, and bare Yjs
 * clients that are closed after each test. Registers the file's hooks; call it once, at the top.
 */
export function liveEditing(people: (sql: Sql) => Promise<unknown>) {
	let db: Database | undefined;
	let server: Awaited<ReturnType<typeof startCollabHttp>> | undefined;
	const open: YjsClient[] = [];

	beforeAll(async () => {
		db = await freshDatabase();
		await people(db.sql);
		server = await startCollabHttp(db.sql);
	});
	afterEach(() => {
		for (const client of open.splice(0)) client.close();
	});
	afterAll(async () => {
		await server?.close();
		await db?.close();
	});

	const sql = () => db!.sql;
	const connect = (person: Person, mouId: string, doc?: Y.Doc) => {
		const client = connectYjsClient(server!.url(mouId), person.cookie, doc);
		open.push(client);
		return client;
	};
	return {
		get sql() {
			return sql();
		},
		get collab() {
			return server!.collab;
		},
		/** What the domain functions take: the pool and the running collaboration server. */
		deps: () => ({ sql: sql(), collab: server!.collab }),
		connect,
		/** Connected and synced. */
		async connected(person: Person, mouId: string, doc?: Y.Doc): Promise<YjsClient> {
			const client = connect(person, mouId, doc);
			await within(client.synced, 'client synced');
			return client;
		},
		storedDoc: (mouId: string) => storedDoc(sql(), mouId),
		rowCount: (mouId: string, userId?: string) => rowCount(sql(), mouId, userId)
	};
}
