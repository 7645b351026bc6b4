import type { Db as PgBossDb } from 'pg-boss';
import type { Sql } from '$lib/server/db';

/** PostgreSQL's type ids of json and jsonb, and of their arrays. */
const JSON_TYPES = new Set([114, 3802]);
const JSON_ARRAY_TYPES = new Set([199, 3807]);
const MAX_DESCRIBED = 2_000;

/**
 * pg-boss on the app's own postgres.js connection(s) — with embedded PGlite there is exactly one,
 * and a second connection would interleave transactions on PGlite's single backend. pg-boss was
 * written for node-postgres; three differences are bridged here:
 *
 * - pg-boss serializes JSON itself and passes strings; postgres.js would JSON-encode them again
 *   for a json/jsonb parameter. So each parameterized statement is described once (its parameter
 *   types cached) and such strings are parsed back, for postgres.js to encode exactly once.
 * - node-postgres sends `undefined` as NULL; postgres.js refuses it.
 * - A statement text without parameters may be a block (BEGIN; …; COMMIT). It runs on one reserved
 *   connection, and a failure inside the block is rolled back there: left open, the aborted
 *   transaction would poison that connection for the app.
 */
export function postgresJsDb(sql: Sql): PgBossDb {
	const parameterTypes = new Map<string, number[]>();

	async function typesOf(text: string): Promise<number[]> {
		let types = parameterTypes.get(text);
		if (!types) {
			const described = (await sql.unsafe(text).describe()) as unknown as { types: number[] };
			types = described.types;
			if (parameterTypes.size >= MAX_DESCRIBED) parameterTypes.clear();
			parameterTypes.set(text, types);
		}
		return types;
	}

	return {
		async executeSql(text: string, values?: unknown[]) {
			if (values && values.length > 0) {
				const types = await typesOf(text);
				const adapted = values.map((value, i) => adapt(value, types[i]));
				const rows = await sql.unsafe(text, adapted as never[]);
				return { rows: [...rows] };
			}
			const reserved = await sql.reserve();
			try {
				return { rows: rowsOf(await reserved.unsafe(text)) };
			} catch (error) {
				await reserved.unsafe('rollback').catch(() => {});
				throw error;
			} finally {
				reserved.release();
			}
		}
	};
}

function adapt(value: unknown, type: number | undefined): unknown {
	if (value === undefined || value === null) return null;
	if (type !== undefined && JSON_TYPES.has(type)) return typeof value === 'string' ? JSON.parse(value) : value;
	if (type !== undefined && JSON_ARRAY_TYPES.has(type) && Array.isArray(value)) {
		return value.map((item) => (typeof item === 'string' ? JSON.parse(item) : item));
	}
	if (typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array) && !Array.isArray(value)) {
		// node-postgres sends other objects as JSON text.
		return JSON.stringify(value);
	}
	return value;
}

/** postgres.js answers a multi-statement text with one result per statement; pg-boss wants the rows of all. */
function rowsOf(result: unknown): unknown[] {
	const list = result as unknown[];
	if (list.length > 0 && list.every((item) => Array.isArray(item))) return (list as unknown[][]).flat();
	return [...list];
}
