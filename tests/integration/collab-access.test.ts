import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { freshDatabase } from '../helpers/db';
import { addColleague, createMouBetween, createOrganization, type Person } from '../helpers/fixtures';
import { connectYjsClient, waitFor, within, type YjsClient } from '../helpers/yjs-client';
import type { Database } from '../../src/lib/server/db';
import { createRedisRelay } from '../../src/lib/server/collab';
import { startCollabHttp } from '../helpers/collab-http';
import { CloseCode } from '../../src/lib/collab/protocol';

// Issue 11 item 7: a person whose role changes loses write access on every already-open websocket
// at once, on every instance. Two instances share one Redis and one PostgreSQL; connections are
// authorized by the real session cookie.

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const PREFIX = `test:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`;

let db: Database;
let agency: Person;
let district: Person;
const instances: Array<Awaited<ReturnType<typeof startCollabHttp>>> = [];
const open: YjsClient[] = [];

beforeAll(async () => {
	db = await freshDatabase();
	agency = await createOrganization(db.sql, 'agency');
	district = await createOrganization(db.sql, 'district');
	for (let i = 0; i < 2; i++) {
		const relay = createRedisRelay({ url: REDIS_URL, prefix: PREFIX });
		await waitFor(() => relay.ready, 'relay connected');
		instances.push(await startCollabHttp(db.sql, relay));
	}
});

afterEach(() => {
	for (const client of open.splice(0)) client.close();
});

afterAll(async () => {
	for (const instance of instances) await instance.close();
	await db?.close();
});

async function connected(person: Person, mouId: string, instance: number): Promise<YjsClient> {
	const client = connectYjsClient(instances[instance].url(mouId), person.cookie);
	open.push(client);
	await within(client.synced, 'client synced');
	return client;
}

async function rowCount(mouId: string): Promise<number> {
	const [{ count }] = await db.sql<{ count: number }[]>`select count(*)::int as count from mou_updates where mou_id = ${mouId}`;
	return count;
}

const firstText = (doc: Y.Doc) => {
	const clause = doc
		.getXmlFragment('body')
		.toArray()
		.find((node) => node instanceof Y.XmlElement && node.nodeName === 'clause') as Y.XmlElement;
	return (clause.get(0) as Y.XmlElement).get(0) as Y.XmlText;
};

describe('access changes reach open websockets on every instance', () => {
	it('closes a demoted counsel’s connections with 4409 everywhere; reconnected, their edits are dropped', async () => {
		const colleague = await addColleague(db.sql, agency, 'counsel');
		const mouId = await createMouBetween(db.sql, agency, district, undefined, 'draft');
		const here = await connected(colleague, mouId, 0);
		const there = await connected(colleague, mouId, 1);
		const bystander = await connected(agency, mouId, 1);

		await db.sql`update memberships set role = 'viewer' where user_id = ${colleague.user.id}`;
		await instances[0].collab.refreshAccess(colleague.user.id);
		for (const client of [here, there]) {
			expect(await within(client.closed, 'the demoted counsel is told')).toMatchObject({ code: CloseCode.statusChanged });
		}
		expect(bystander.isOpen()).toBe(true);

		const rows = await rowCount(mouId);
		const again = await connected(colleague, mouId, 1);
		again.edit((doc) => firstText(doc).insert(0, 'Written as a viewer. '));
		await again.roundTrip();
		expect(again.isOpen()).toBe(true);
		expect(await rowCount(mouId)).toBe(rows);
	});

	it('closes a removed member’s connections with 4401 everywhere', async () => {
		const colleague = await addColleague(db.sql, agency, 'counsel');
		const mouId = await createMouBetween(db.sql, agency, district, undefined, 'draft');
		const here = await connected(colleague, mouId, 0);
		const there = await connected(colleague, mouId, 1);

		await db.sql`delete from memberships where user_id = ${colleague.user.id}`;
		await instances[1].collab.refreshAccess(colleague.user.id);
		for (const client of [here, there]) {
			expect(await within(client.closed, 'the removed member is told')).toMatchObject({ code: CloseCode.unauthenticated });
		}
	});

	it('leaves a person whose access did not change connected', async () => {
		const mouId = await createMouBetween(db.sql, agency, district, undefined, 'draft');
		const client = await connected(district, mouId, 0);
		await instances[1].collab.refreshAccess(district.user.id);
		await instances[0].collab.refreshAccess(district.user.id);
		await client.roundTrip();
		expect(client.isOpen()).toBe(true);
	});
});
