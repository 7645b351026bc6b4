import { describe, expect, it } from 'vitest';
import { databaseForFile } from '../helpers/file-database';
import { createOrganization, PASSWORD } from '../helpers/fixtures';
import { changePassword, createSession, signIn, validateSessionToken, hashToken, SESSION_LIFETIME_MS } from '../../src/lib/server/auth';
import type { Database } from '../../src/lib/server/db';

let db: Database;
databaseForFile((opened) => (db = opened));

describe('sessions', () => {
	it('stores only the SHA-256 of the token and resolves the signed-in person', async () => {
		const founder = await createOrganization(db.sql, 'agency');
		const rows = await db.sql`select id from sessions where user_id = ${founder.user.id}`;
		expect(rows.map((r) => r.id)).toContain(hashToken(founder.token));
		expect(rows.map((r) => r.id)).not.toContain(founder.token);
		const found = await validateSessionToken(db.sql, founder.token);
		expect(found?.user).toMatchObject({ email: founder.email, organizationKind: 'agency', role: 'counsel', isAdmin: true });
	});

	it('slides the expiry forward when a session is used late in its life, and ends expired ones', async () => {
		const founder = await createOrganization(db.sql, 'district');
		const { token, session } = await createSession(db.sql, founder.user.id);
		const late = new Date(session.expiresAt.getTime() - 5 * 24 * 3600 * 1000);
		const renewed = await validateSessionToken(db.sql, token, late);
		expect(renewed!.session.expiresAt.getTime()).toBe(late.getTime() + SESSION_LIFETIME_MS);
		const afterExpiry = new Date(renewed!.session.expiresAt.getTime() + 1000);
		expect(await validateSessionToken(db.sql, token, afterExpiry)).toBeNull();
		expect(await validateSessionToken(db.sql, token)).toBeNull();
	});

	it('ends every session of a person who changes their password', async () => {
		const founder = await createOrganization(db.sql, 'agency');
		const second = await createSession(db.sql, founder.user.id);
		expect((await changePassword(db.sql, founder.user.id, 'short')).ok).toBe(false);
		expect((await changePassword(db.sql, founder.user.id, 'a much longer new passphrase')).ok).toBe(true);
		expect(await validateSessionToken(db.sql, founder.token)).toBeNull();
		expect(await validateSessionToken(db.sql, second.token)).toBeNull();
		expect((await signIn(db.sql, founder.email, 'a much longer new passphrase', '10.0.0.1')).ok).toBe(true);
	});
});

describe('sign-in', () => {
	it('accepts the right password (argon2id) and refuses a wrong one with a clear message', async () => {
		const founder = await createOrganization(db.sql, 'agency');
		const [{ hash }] = await db.sql`select password_hash as hash from users where id = ${founder.user.id}`;
		expect(hash).toMatch(/^\$argon2id\$/);
		expect(await signIn(db.sql, founder.email.toUpperCase(), PASSWORD, '10.0.0.2')).toMatchObject({ ok: true });
		expect(await signIn(db.sql, founder.email, 'wrong password!!', '10.0.0.2')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
	});

	it('locks an account after five failures, even with the right password, and per address after twenty', async () => {
		const founder = await createOrganization(db.sql, 'district');
		for (let i = 0; i < 5; i++) await signIn(db.sql, founder.email, 'wrong password!!', `10.1.0.${i}`);
		const locked = await signIn(db.sql, founder.email, PASSWORD, '10.1.1.1');
		expect(locked).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
		const later = new Date(Date.now() + 16 * 60 * 1000);
		expect(await signIn(db.sql, founder.email, PASSWORD, '10.1.1.1', later)).toMatchObject({ ok: true });

		const other = await createOrganization(db.sql, 'agency');
		for (let i = 0; i < 20; i++) await signIn(db.sql, `nobody${i}@example.com`, 'wrong password!!', '10.9.9.9');
		expect(await signIn(db.sql, other.email, PASSWORD, '10.9.9.9')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
		expect(await signIn(db.sql, other.email, PASSWORD, '10.9.9.10')).toMatchObject({ ok: true });
	});
});
