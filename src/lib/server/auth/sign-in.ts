import type { Sql } from '$lib/server/db';
import { failure, ok, type Outcome } from '$lib/errors';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import * as store from './store';

const WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURES_PER_ACCOUNT = 5;
const MAX_FAILURES_PER_ADDRESS = 20;

// Verifying against a real hash when the account does not exist keeps timing uniform.
let decoyHash: Promise<string> | null = null;

export async function signIn(sql: Sql, email: string, password: string, address: string, now = new Date()): Promise<Outcome<{ userId: string }>> {
	const normalized = email.trim().toLowerCase();
	const failures = await store.countRecentFailures(sql, normalized, address, new Date(now.getTime() - WINDOW_MS));
	if (failures.byEmail >= MAX_FAILURES_PER_ACCOUNT || failures.byAddress >= MAX_FAILURES_PER_ADDRESS) {
		return failure('rate_limited', 'Too many failed attempts. Wait 15 minutes and try again.');
	}
	const credentials = await store.findCredentials(sql, normalized);
	decoyHash ??= hashPassword('decoy password for timing');
	const valid = await verifyPassword(credentials?.passwordHash ?? (await decoyHash), password);
	if (!credentials || !valid) {
		await store.recordSignInFailure(sql, normalized, address);
		return failure('invalid_input', 'That email and password do not match an account.');
	}
	await store.clearFailures(sql, normalized);
	if (!credentials.member) return failure('forbidden', 'Your organization has removed you from MOU Studio. Ask its administrator if this is a mistake.');
	return ok({ userId: credentials.id });
}

/** Changing a password ends every session of that person, this one included. */
export async function changePassword(sql: Sql, userId: string, newPassword: string): Promise<Outcome> {
	const problem = passwordProblem(newPassword);
	if (problem) return failure('invalid_input', problem, { fields: { password: problem } });
	await store.updatePasswordHash(sql, userId, await hashPassword(newPassword));
	await store.deleteUserSessions(sql, userId);
	return ok();
}
