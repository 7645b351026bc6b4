import type { Sql } from '$lib/server/db';

/**
 * The one limiter for requests that send mail (account links, password resets, invitations):
 * each request is counted under every key it names (an address, a client address, an account, an
 * MOU, an organization) and refused when any key already has `max` requests within the window.
 * A refused request is not counted. Counting and recording happen under a lock per key, so
 * requests sent at once cannot all slip under the limit.
 */

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** The advisory lock class of a limiter key (the two-key form: apart from the migration lock). */
const LIMIT_LOCK = 0x6c696d; // "lim"

export interface Limit {
	key: string;
	max: number;
}

export async function withinLimit(sql: Sql, kind: string, limits: Limit[], now = new Date(), windowMs = HOUR_MS): Promise<boolean> {
	return (await limitReached(sql, kind, limits, now, windowMs)) === null;
}

/** As `withinLimit`, saying which limit refused the request (null: allowed, and counted). */
export async function limitReached(sql: Sql, kind: string, limits: Limit[], now = new Date(), windowMs = HOUR_MS): Promise<Limit | null> {
	const since = new Date(now.getTime() - windowMs);
	// Locked in one order, so two requests sharing keys cannot wait on each other.
	const ordered = [...limits].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	return sql.begin(async (tx) => {
		for (const { key } of ordered) await tx`select pg_advisory_xact_lock(${LIMIT_LOCK}::int, hashtext(${`${kind}:${key}`}))`;
		for (const limit of limits) {
			const [row] = await tx<{ n: number }[]>`
				select count(*)::int as n from account_mail_requests where kind = ${kind} and key = ${limit.key} and requested_at > ${since}`;
			if (row.n >= limit.max) return limit;
		}
		for (const { key } of ordered) await tx`insert into account_mail_requests (kind, key, requested_at) values (${kind}, ${key}, ${now})`;
		return null;
	});
}
