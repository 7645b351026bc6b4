import type { Sql } from '$lib/server/db';
import { generateToken, hashToken } from './tokens';
import * as store from './store';

export const SESSION_COOKIE = 'mou_session';

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY;
/** Sliding expiry: a session used in its last 15 days is renewed for another 30. */
const RENEW_WITHIN_MS = 15 * DAY;

export interface Session {
	id: string;
	expiresAt: Date;
}

export async function createSession(sql: Sql, userId: string, now = new Date()) {
	const token = generateToken();
	const session: Session = { id: hashToken(token), expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS) };
	await store.insertSession(sql, session.id, userId, session.expiresAt);
	return { token, session };
}

export async function validateSessionToken(sql: Sql, token: string, now = new Date()) {
	const id = hashToken(token);
	const found = await store.findSession(sql, id);
	if (!found) return null;
	const { expiresAt, ...user } = found;
	if (now.getTime() >= expiresAt.getTime()) {
		await store.deleteSession(sql, id);
		return null;
	}
	const session: Session = { id, expiresAt };
	if (expiresAt.getTime() - now.getTime() < RENEW_WITHIN_MS) {
		session.expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
		await store.extendSession(sql, id, session.expiresAt);
	}
	return { session, user };
}

export function invalidateSession(sql: Sql, sessionId: string) {
	return store.deleteSession(sql, sessionId);
}
