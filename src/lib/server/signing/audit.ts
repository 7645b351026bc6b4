import { createHash } from 'node:crypto';
import type { Sql, Tx } from '$lib/server/db';
import * as store from './store';

/**
 * The audit trail is one hash chain per MOU: each entry's hash covers its own fields (as canonical
 * JSON: sorted keys, no whitespace) and the previous entry's hash; the head row keeps the newest.
 * Changing, removing or reordering any entry breaks the chain at that entry.
 */

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
	mouId: string;
	requestId: string | null;
	kind: string;
	/** Who acted: a person's name, or "MOU Studio" for the system. */
	actor: string;
	actorEmail?: string | null;
	party?: string | null;
	signerId?: string | null;
	ipAddress?: string | null;
	userAgent?: string | null;
	detail?: Record<string, unknown>;
}

export interface AuditRow {
	mouId: string;
	seq: number;
	requestId: string | null;
	at: Date;
	kind: string;
	actor: string;
	actorEmail: string | null;
	party: string | null;
	signerId: string | null;
	ipAddress: string | null;
	userAgent: string | null;
	detail: Record<string, unknown>;
	prevHash: string;
	hash: string;
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
	if (value instanceof Date) return JSON.stringify(value.toISOString());
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	const entries = Object.entries(value as Record<string, unknown>)
		.filter(([, v]) => v !== undefined)
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function entryHash(row: Omit<AuditRow, 'hash'>): string {
	const fields = {
		mouId: row.mouId,
		seq: row.seq,
		requestId: row.requestId,
		at: row.at.toISOString(),
		kind: row.kind,
		actor: row.actor,
		actorEmail: row.actorEmail,
		party: row.party,
		signerId: row.signerId,
		ipAddress: row.ipAddress,
		userAgent: row.userAgent,
		detail: row.detail,
		prevHash: row.prevHash
	};
	return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

/**
 * Appends one entry. The head row is locked FOR UPDATE, so concurrent appends to one MOU take
 * turns and each links to the one before it. Inside a transaction it joins it; otherwise it
 * opens its own. Take every other row lock of the transaction before the first append.
 */
export async function appendAudit(sql: Sql | Tx, input: AuditInput, at: Date): Promise<AuditRow> {
	if (isTransaction(sql)) return appendIn(sql, input, at);
	return (sql as Sql).begin((tx) => appendIn(tx, input, at));
}

async function appendIn(tx: Tx, input: AuditInput, at: Date): Promise<AuditRow> {
	const head = await store.lockAuditHead(tx, input.mouId, GENESIS_HASH);
	// Whole milliseconds: what PostgreSQL stores and gives back, so the hash can be recomputed.
	const stamp = new Date(Math.floor(at.getTime()));
	const base = {
		mouId: input.mouId,
		seq: head.seq + 1,
		requestId: input.requestId,
		at: stamp,
		kind: input.kind,
		actor: input.actor,
		actorEmail: input.actorEmail ?? null,
		party: input.party ?? null,
		signerId: input.signerId ?? null,
		ipAddress: input.ipAddress ?? null,
		userAgent: input.userAgent ? input.userAgent.slice(0, 500) : null,
		// Through JSON, as jsonb will give it back (no undefined, no Dates).
		detail: JSON.parse(JSON.stringify(input.detail ?? {})) as Record<string, unknown>,
		prevHash: head.hash
	};
	const row: AuditRow = { ...base, hash: entryHash(base) };
	await store.insertAuditRow(tx, row);
	return row;
}

/** postgres.js gives only transactions a `savepoint`; the pool has `begin` instead. */
export function isTransaction(sql: Sql | Tx): sql is Tx {
	return typeof (sql as Tx).savepoint === 'function';
}

export type ChainVerification = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; reason: string };

/** Walks the chain from the first entry and reports the first link that does not hold. */
export async function verifyAuditChain(sql: Sql | Tx, mouId: string): Promise<ChainVerification> {
	const rows = await store.listAuditRows(sql, mouId);
	const head = await store.findAuditHead(sql, mouId);
	let previous = { seq: 0, hash: GENESIS_HASH };
	for (const row of rows) {
		const broken = (reason: string) => ({ ok: false as const, entries: rows.length, brokenAt: previous.seq + 1, reason });
		if (row.seq !== previous.seq + 1) {
			return broken(`Entry ${previous.seq + 1} is missing: the trail goes from entry ${previous.seq} to entry ${row.seq}.`);
		}
		if (row.prevHash !== previous.hash) return broken(`Entry ${row.seq} does not link to entry ${previous.seq}.`);
		if (entryHash(row) !== row.hash) return broken(`Entry ${row.seq} was changed after it was written.`);
		previous = { seq: row.seq, hash: row.hash };
	}
	if (head && (head.seq !== previous.seq || head.hash !== previous.hash)) {
		if (head.seq > previous.seq) {
			return {
				ok: false,
				entries: rows.length,
				brokenAt: previous.seq + 1,
				reason: `Entries ${previous.seq + 1} to ${head.seq} are missing from the end of the trail.`
			};
		}
		return { ok: false, entries: rows.length, brokenAt: head.seq, reason: `The trail's last entry does not match its recorded head (entry ${head.seq}).` };
	}
	return { ok: true, entries: rows.length };
}
