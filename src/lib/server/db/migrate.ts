import type postgres from 'postgres';
import { migrations } from './migrations';

/** A fixed key so that several app instances starting together migrate one at a time. */
const MIGRATION_LOCK = 727_001;

export async function migrate(sql: postgres.Sql): Promise<string[]> {
	const applied: string[] = [];
	await sql.begin(async (tx) => {
		await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
		await tx`create table if not exists schema_migrations (
			id text primary key,
			applied_at timestamptz not null default now()
		)`;
		const done = new Set((await tx<{ id: string }[]>`select id from schema_migrations`).map((r) => r.id));
		for (const migration of migrations) {
			if (done.has(migration.id)) continue;
			await tx.unsafe(migration.sql);
			await tx`insert into schema_migrations (id) values (${migration.id})`;
			applied.push(migration.id);
		}
	});
	return applied;
}
