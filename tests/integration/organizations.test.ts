import { describe, expect, it } from 'vitest';
import { firstLink } from '../helpers/smtp';
import { createOrganization, addColleague, PASSWORD } from '../helpers/fixtures';
import { acceptInvitation, inviteMember, listMembers, lookUpInvitation, signUpWithOrganization, INVITATION_LIFETIME_MS } from '../../src/lib/server/orgs';
import { createMailer } from '../../src/lib/server/mail';
import type { Database } from '../../src/lib/server/db';
import { mailWorld, type SmtpServer } from '../helpers/mail-world';

let db: Database;
let smtp: SmtpServer;
mailWorld((world) => ({ db, smtp } = world));

describe('sign-up', () => {
	it('creates the organization with its founder as administrator', async () => {
		const founder = await createOrganization(db.sql, 'district');
		expect(founder.user).toMatchObject({ organizationKind: 'district', isAdmin: true, role: 'counsel' });
	});

	it('says what is wrong with each field and creates nothing', async () => {
		const result = await signUpWithOrganization(db.sql, {
			name: 'X',
			email: 'not-an-email',
			password: 'short',
			organizationName: '',
			organizationKind: 'bank',
			timeZone: 'Mars/Olympus'
		});
		expect(result.ok).toBe(false);
		if (!result.ok)
			expect(Object.keys(result.error.fields ?? {}).sort()).toEqual(['email', 'name', 'organizationKind', 'organizationName', 'password', 'timeZone']);
		const [{ count }] = await db.sql`select count(*)::int as count from users where email = 'not-an-email'`;
		expect(count).toBe(0);
	});

	it('refuses a second account with the same email', async () => {
		const founder = await createOrganization(db.sql, 'agency');
		const again = await signUpWithOrganization(db.sql, {
			name: 'Someone Else',
			email: founder.email,
			password: PASSWORD,
			organizationName: 'Other PD',
			organizationKind: 'agency'
		});
		expect(again.ok).toBe(false);
	});
});

describe('invitations', () => {
	it('arrive by SMTP with a link that creates the colleague with the invited role', async () => {
		const admin = await createOrganization(db.sql, 'agency');
		const mailer = createMailer({ sql: db.sql, smtpUrl: smtp.url });
		const invited = await inviteMember({ sql: db.sql, mailer, origin: 'http://app.test' }, admin.user, {
			email: 'Chief@Springfield-PD.example',
			role: 'signatory'
		});
		expect(invited.ok).toBe(true);
		const mail = await smtp.waitFor('chief@springfield-pd.example');
		expect(mail.raw).toContain('Content-Type: text/plain');
		expect(mail.raw).toContain('Content-Type: text/html');
		const link = firstLink(mail.raw, '/invitations/');
		const token = link.split('/invitations/')[1];
		const accepted = await acceptInvitation(db.sql, token, { name: 'Marcus Reyes', password: PASSWORD, title: 'Chief of Police' });
		expect(accepted.ok).toBe(true);
		const members = await listMembers(db.sql, admin.user.organizationId);
		expect(members.find((m) => m.email === 'chief@springfield-pd.example')).toMatchObject({ role: 'signatory', isAdmin: false });
		const [{ status }] = await db.sql`select status from outbox where to_address = 'chief@springfield-pd.example'`;
		expect(status).toBe('sent');
		// Used once only.
		expect((await acceptInvitation(db.sql, token, { name: 'Impostor', password: PASSWORD })).ok).toBe(false);
	});

	it('without SMTP are kept in the outbox, and expire after seven days', async () => {
		const admin = await createOrganization(db.sql, 'district');
		const mailer = createMailer({ sql: db.sql });
		const now = new Date();
		await inviteMember({ sql: db.sql, mailer, origin: 'http://app.test' }, admin.user, { email: 'clerk@district.example', role: 'viewer' }, now);
		const [mail] = await db.sql`select status, text_body from outbox where to_address = 'clerk@district.example'`;
		expect(mail.status).toBe('kept');
		const token = /\/invitations\/([a-z0-9]+)/.exec(mail.text_body)![1];
		const later = new Date(now.getTime() + INVITATION_LIFETIME_MS + 1000);
		expect((await lookUpInvitation(db.sql, token, later)).state).toBe('expired');
		const accepted = await acceptInvitation(db.sql, token, { name: 'Late Clerk', password: PASSWORD }, later);
		expect(accepted.ok).toBe(false);
	});

	it('can only be sent by administrators, with a known role', async () => {
		const admin = await createOrganization(db.sql, 'agency');
		const viewer = await addColleague(db.sql, admin, 'viewer');
		const mailer = createMailer({ sql: db.sql });
		const deps = { sql: db.sql, mailer, origin: 'http://app.test' };
		expect((await inviteMember(deps, viewer.user, { email: 'x@y.example', role: 'counsel' })).ok).toBe(false);
		const badRole = await inviteMember(deps, admin.user, { email: 'x@y.example', role: 'owner' });
		expect(badRole.ok).toBe(false);
	});

	it('a failed SMTP delivery is recorded and retried', async () => {
		const admin = await createOrganization(db.sql, 'agency');
		const mailer = createMailer({ sql: db.sql, smtpUrl: smtp.url });
		smtp.setRefusing(true);
		const sent = await mailer.send({ to: 'retry@example.org', subject: 'Retry me', text: 't', html: '<p>t</p>', organizationId: admin.user.organizationId });
		expect(sent.delivered).toBe(false);
		const [failed] = await db.sql`select status, last_error from outbox where id = ${sent.id}`;
		expect(failed.status).toBe('failed');
		expect(failed.last_error).toMatch(/test refusal/);
		smtp.setRefusing(false);
		expect(await mailer.retryFailed()).toBeGreaterThanOrEqual(1);
		await smtp.waitFor('retry@example.org');
		const [after] = await db.sql`select status from outbox where id = ${sent.id}`;
		expect(after.status).toBe('sent');
	});

	it('is resent once when two instances retry at the same time', async () => {
		const admin = await createOrganization(db.sql, 'district');
		const first = createMailer({ sql: db.sql, smtpUrl: smtp.url });
		const second = createMailer({ sql: db.sql, smtpUrl: smtp.url });
		smtp.setRefusing(true);
		await first.send({ to: 'once@example.org', subject: 'Once', text: 't', html: '<p>t</p>', organizationId: admin.user.organizationId });
		smtp.setRefusing(false);
		await Promise.all([first.retryFailed(), second.retryFailed()]);
		await smtp.waitFor('once@example.org');
		expect(smtp.received.filter((m) => m.to.includes('once@example.org'))).toHaveLength(1);
	});
});
