/**
 * The benchmark's PostgreSQL side: a fresh database (dropped afterwards), two parties, one
 * counsel per client slot with a real session cookie, and MOUs stored as the app stores them.
 */
import postgres from 'postgres';
import { openDatabase, type Database } from '../src/lib/server/db';
// The sessions module itself: the auth index also reaches SvelteKit's $app, which this process lacks.
import { createSession, SESSION_COOKIE } from '../src/lib/server/auth/sessions';
import { appendInitialState } from '../src/lib/server/collab';
import type { HistoryDocument } from './collab-load-doc';

export interface BenchDatabase {
	db: Database;
	url: string;
	drop(): Promise<void>;
}

export async function freshBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
	const name = `mou_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	await admin.end();
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	const db = await openDatabase({ url: url.toString(), max: 10 });
	return {
		db,
		url: url.toString(),
		async drop() {
			await db.close();
			const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
			await cleanup.unsafe(`drop database if exists ${name} with (force)`);
			await cleanup.end();
		}
	};
}

export interface World {
	agency: string;
	district: string;
	creator: string;
	/** Session cookies: cookies[slot] for client slot `slot` of every room (slot 0 agency, the others district). */
	cookies: string[][];
}

/** Counsel for `rooms` × `clientsPerRoom` client slots, each with a session. */
export async function seedPeople(db: Database, rooms: number, clientsPerRoom: number): Promise<World> {
	const { sql } = db;
	const [agency] = await sql<{ id: string }[]>`insert into organizations (name, kind) values ('Bench Police Department', 'agency') returning id`;
	const [district] = await sql<{ id: string }[]>`insert into organizations (name, kind) values ('Bench Unified School District', 'district') returning id`;
	const cookies: string[][] = [];
	let creator = '';
	for (let slot = 0; slot < clientsPerRoom; slot++) {
		const organization = slot === 0 ? agency.id : district.id;
		const users = await sql<{ id: string }[]>`
			insert into users (email, name, password_hash)
			select 'bench-' || ${slot}::int || '-' || i || '@bench.example', 'Bench Counsel ' || ${slot}::int || '-' || i, 'x'
			from generate_series(1, ${rooms}::int) i returning id`;
		await sql`insert into memberships (user_id, organization_id, role)
			select id, ${organization}::uuid, 'counsel' from unnest(${users.map((u) => u.id)}::uuid[]) id`;
		creator ||= users[0].id;
		const tokens: string[] = [];
		for (let i = 0; i < users.length; i += 50) {
			const batch = users.slice(i, i + 50).map((user) => createSession(sql, user.id).then((s) => s.token));
			tokens.push(...(await Promise.all(batch)));
		}
		cookies.push(tokens.map((token) => `${SESSION_COOKIE}=${token}`));
	}
	return { agency: agency.id, district: district.id, creator, cookies };
}

/** MOUs in negotiation between the two parties, each starting from `initial` (or a negotiated history). */
export async function seedMous(db: Database, world: World, count: number, content: Uint8Array | HistoryDocument): Promise<string[]> {
	const { sql } = db;
	const ids: string[] = [];
	for (let i = 0; i < count; i += 50) {
		const batch = Math.min(50, count - i);
		const rows = await sql<{ id: string }[]>`
			insert into mous (title, status, template_id, template_version, created_by)
			select 'Bench SRO MOU ' || n, 'draft', 'sro-mou', '2026.1', ${world.creator}::uuid
			from generate_series(1, ${batch}::int) n returning id`;
		const mouIds = rows.map((row) => row.id);
		await sql`insert into mou_parties (mou_id, organization_id, side)
			select id, ${world.agency}::uuid, 'agency' from unnest(${mouIds}::uuid[]) id
			union all select id, ${world.district}::uuid, 'district' from unnest(${mouIds}::uuid[]) id`;
		for (const mouId of mouIds) await storeContent(db, mouId, content);
		ids.push(...mouIds);
	}
	return ids;
}

async function storeContent(db: Database, mouId: string, content: Uint8Array | HistoryDocument): Promise<void> {
	if (content instanceof Uint8Array) return appendInitialState(db.sql, mouId, content);
	// As the server leaves a long-edited MOU: a compacted checkpoint plus the log rows since.
	await db.sql`insert into mou_checkpoints (mou_id, upto_seq, state) values (${mouId}, 0, ${content.checkpoint})`;
	await db.sql`insert into mou_updates ${db.sql(
		content.tail.map((update) => ({ mou_id: mouId, update, user_id: null })),
		'mou_id',
		'update',
		'user_id'
	)}`;
}
