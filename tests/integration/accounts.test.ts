import { beforeAll, describe, expect, it } from 'vitest';
import { firstLink } from '../helpers/smtp';
import { addColleague, confirmAddress, createMouBetween, createOrganization, PASSWORD, waitForLink, type Person } from '../helpers/fixtures';
import { createMailer, findInboxMessage, listInbox, type Mailer } from '../../src/lib/server/mail';
import type { Database } from '../../src/lib/server/db';
import { signIn, validateSessionToken, createSession } from '../../src/lib/server/auth';
import {
	changePassword,
	confirmEmail,
	lookUpConfirmation,
	requestEmailChange,
	requestPasswordReset,
	resetPassword,
	RESET_REQUESTED,
	sendVerification
} from '../../src/lib/server/accounts';
import { acceptPartyInvitation, createMou, inviteParty } from '../../src/lib/server/mous';
import { changeMember, removeMember } from '../../src/lib/server/orgs';
import { continueWithAccount, listMySignatures, openSigningLink, sendForSignature } from '../../src/lib/server/signing';
import { agree, signingDraft } from './signing-world';
import { mailWorld, type SmtpServer } from '../helpers/mail-world';

let db: Database;
let smtp: SmtpServer;
let mailer: Mailer;
let kept: Mailer;
const deps = () => ({ sql: db.sql, mailer, origin: 'http://app.test' });
const keptDeps = () => ({ sql: db.sql, mailer: kept, origin: 'http://app.test' });

mailWorld((world) => ({ db, smtp, mailer } = world));
beforeAll(() => {
	kept = createMailer({ sql: db.sql });
});

const reader = (p: Person, smtpOn: boolean, verified = p.user.emailVerified) => ({
	userId: p.user.id,
	email: p.user.email,
	emailVerified: verified,
	smtp: smtpOn
});
const fresh = async (p: Person) => (await validateSessionToken(db.sql, p.token))!.user;
const tokenOf = (url: string) => url.split('/').pop()!;

/** The newest message to `email` that holds `text`, once it has arrived over SMTP. */
async function mailWith(email: string, text: string) {
	for (let i = 0; i < 200; i++) {
		const found = smtp.received.filter((m) => m.to.includes(email) && m.raw.includes(text)).at(-1);
		if (found) return found;
		await new Promise((r) => setTimeout(r, 25));
	}
	throw new Error(`no mail to ${email} with ${text}`);
}

describe('a new account', () => {
	it('must confirm its address (by the mailed link, with a button) before it joins an MOU as a party', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		const district = await createOrganization(db.sql, 'district', 'counsel', false);
		expect(district.user.emailVerified).toBe(false);
		const mou = await createMou(db.sql, agency.user, { title: 'Springfield SRO MOU' });
		if (!mou.ok) throw new Error('no MOU');
		await inviteParty(deps(), agency.user, mou.value.id, { email: district.email });
		const invitation = await mailWith(district.email, '/join/');
		const joinToken = tokenOf(firstLink(invitation.raw, '/join/'));
		const refused = await acceptPartyInvitation(db.sql, district.user, joinToken);
		expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/Confirm your email address first/) } });

		const sent = await sendVerification(deps(), district.user.id);
		expect(sent).toEqual({ ok: true, value: { email: district.email } });
		const mail = await mailWith(district.email, '/account/verify/');
		const verifyToken = tokenOf(firstLink(mail.raw, '/account/verify/'));
		// Opening the link (a mail scanner does) only shows the button.
		expect(await lookUpConfirmation(db.sql, verifyToken)).toEqual({ state: 'valid', email: district.email });
		expect((await fresh(district)).emailVerified).toBe(false);
		expect(await confirmEmail(deps(), verifyToken)).toEqual({ ok: true, value: { userId: district.user.id, email: district.email, changedFrom: null } });
		expect(await confirmEmail(deps(), verifyToken)).toMatchObject({ ok: false, error: { message: 'This confirmation link has already been used.' } });
		const confirmed = await fresh(district);
		expect(confirmed.emailVerified).toBe(true);
		expect(await acceptPartyInvitation(db.sql, confirmed, joinToken)).toEqual({ ok: true, value: { mouId: mou.value.id } });
	});

	it('cannot be named to sign, nor sign without the emailed code, until it confirms its address', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		const district = await createOrganization(db.sql, 'district', 'signatory', false);
		const mouId = await createMouBetween(db.sql, agency, district);
		await agree(db.sql, mouId);
		const chief = await addColleague(db.sql, agency, 'signatory');
		const draft = signingDraft(chief.email, district.email, {}, 20);
		const browser = { ipAddress: '203.0.113.9', userAgent: 'Vitest' };
		const refused = await sendForSignature(deps(), agency.user, mouId, structuredClone(draft) as never, browser);
		expect(refused).toMatchObject({ ok: false, error: { message: expect.stringMatching(/has not confirmed their email address yet/) } });

		await confirmAddress(db.sql, district.user.id, district.email);
		const sent = await sendForSignature(deps(), agency.user, mouId, structuredClone(draft) as never, browser);
		expect(sent?.ok).toBe(true);
		// Confirmed and a member of the party: the dashboard offers "Sign now", and the account stands in for the code.
		const signer = await fresh(district);
		expect((await listMySignatures(db.sql, signer)).map((s) => s.mouId)).toEqual([mouId]);
		const mail = await mailWith(district.email, '/sign/');
		const signToken = tokenOf(firstLink(mail.raw, '/sign/'));
		// The same account, had its address not been confirmed, would get neither.
		await db.sql`update users set email_verified_at = null where id = ${district.user.id}`;
		const unconfirmed = await fresh(district);
		expect(await listMySignatures(db.sql, unconfirmed)).toEqual([]);
		expect((await openSigningLink(deps(), signToken, { ...browser, user: unconfirmed })).accountMatches).toBe(false);
		expect(await continueWithAccount(deps(), signToken, { ...browser, user: unconfirmed })).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/Confirm your email address first/) }
		});
		await db.sql`update users set email_verified_at = now() where id = ${district.user.id}`;
		expect((await continueWithAccount(deps(), signToken, { ...browser, user: signer })).ok).toBe(true);
	});
});

describe('the inbox', () => {
	it('shows each person the mail addressed to them, and nobody else’s, administrators included', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		const chief = await addColleague(db.sql, agency, 'signatory');
		await kept.send({
			to: chief.email,
			subject: 'Please sign: “MOU”',
			text: 'Review and sign: http://app.test/sign/secret',
			html: '',
			organizationId: agency.user.organizationId
		});
		const mine = await listInbox(db.sql, reader(chief, false));
		expect(mine.map((m) => m.subject)).toContain('Please sign: “MOU”');
		const id = mine.find((m) => m.subject === 'Please sign: “MOU”')!.id;
		expect((await findInboxMessage(db.sql, reader(chief, true), id))?.textBody).toContain('/sign/secret');
		// The administrator who prepared it cannot open it, with or without a mail server.
		expect(await findInboxMessage(db.sql, reader(agency, false), id)).toBeNull();
		expect((await listInbox(db.sql, reader(agency, false))).map((m) => m.id)).not.toContain(id);
	});

	it('keeps account links to their own account, and out of the app when a mail server delivers them', async () => {
		const squatter = await createOrganization(db.sql, 'district', 'counsel', false);
		await kept.send({ to: squatter.email, subject: 'Please sign', text: 'http://app.test/sign/not-yours', html: '', organizationId: null });
		await sendVerification(keptDeps(), squatter.user.id);
		// Unconfirmed, without SMTP: only its own confirmation link, not mail to the address it claims.
		expect((await listInbox(db.sql, reader(squatter, false))).map((m) => m.subject)).toEqual(['Confirm your email address for MOU Studio']);
		// With SMTP the link is only in the mailbox: reading it here would prove nothing.
		expect(await listInbox(db.sql, reader(squatter, true))).toEqual([]);
	});
});

describe('a forgotten password', () => {
	it('answers the same whether or not the address has an account, and mails a link only to an account', async () => {
		const person = await createOrganization(db.sql, 'agency');
		const before = smtp.received.length;
		expect(await requestPasswordReset(deps(), { email: person.email.toUpperCase() }, '198.51.100.1')).toEqual({
			ok: true,
			value: { message: RESET_REQUESTED }
		});
		expect(await requestPasswordReset(deps(), { email: 'nobody-here@agency.example' }, '198.51.100.1')).toEqual({
			ok: true,
			value: { message: RESET_REQUESTED }
		});
		await smtp.waitFor(person.email);
		await new Promise((r) => setTimeout(r, 200));
		expect(smtp.received.slice(before).flatMap((m) => m.to)).toEqual([person.email]);
		const [row] = await db.sql`select subject, organization_id from outbox where to_address = ${person.email} and subject like 'Reset%'`;
		expect(row).toMatchObject({ subject: 'Reset your MOU Studio password', organization_id: null });
	});

	it('is a single-use, expiring link; using it ends every session and the old password', async () => {
		const person = await createOrganization(db.sql, 'district');
		const other = await createSession(db.sql, person.user.id);
		await requestPasswordReset(keptDeps(), { email: person.email }, '198.51.100.2');
		const token = await waitForLink(db.sql, person.email, '/account/reset/');
		expect(await resetPassword(deps(), token, { password: 'short' })).toMatchObject({ ok: false, error: { fields: { password: expect.any(String) } } });
		expect(await resetPassword(deps(), token, { password: 'a brand new passphrase' })).toEqual({ ok: true, value: { userId: person.user.id } });
		expect(await validateSessionToken(db.sql, person.token)).toBeNull();
		expect(await validateSessionToken(db.sql, other.token)).toBeNull();
		expect((await signIn(db.sql, person.email, PASSWORD, '198.51.100.2')).ok).toBe(false);
		expect((await signIn(db.sql, person.email, 'a brand new passphrase', '198.51.100.2')).ok).toBe(true);
		expect(await resetPassword(deps(), token, { password: 'yet another passphrase' })).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/already been used/) }
		});
		// An hour later a new link no longer works.
		await requestPasswordReset(keptDeps(), { email: person.email }, '198.51.100.2');
		const late = await waitForLink(db.sql, person.email, '/account/reset/');
		expect(late).not.toBe(token);
		expect(await resetPassword(deps(), late, { password: 'yet another passphrase' }, new Date(Date.now() + 61 * 60_000))).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/expired/) }
		});
	});

	it('is rate-limited per address (account or not) and per client address', async () => {
		for (const email of ['limited@district.example', (await createOrganization(db.sql, 'district')).email]) {
			for (let i = 0; i < 3; i++) expect((await requestPasswordReset(keptDeps(), { email }, `192.0.2.${i}`)).ok).toBe(true);
			expect(await requestPasswordReset(keptDeps(), { email }, '192.0.2.99')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
		}
		for (let i = 0; i < 20; i++) await requestPasswordReset(keptDeps(), { email: `spray-${i}@example.org` }, '192.0.2.200');
		expect(await requestPasswordReset(keptDeps(), { email: 'spray-last@example.org' }, '192.0.2.200')).toMatchObject({
			ok: false,
			error: { code: 'rate_limited' }
		});
	});
});

describe('a signed-in person', () => {
	it('changes their password with the current one, which ends every session', async () => {
		const person = await createOrganization(db.sql, 'agency');
		expect(await changePassword(db.sql, person.user, { currentPassword: 'not my password', password: 'a brand new passphrase' })).toMatchObject({
			ok: false,
			error: { fields: { currentPassword: expect.any(String) } }
		});
		expect(await changePassword(db.sql, person.user, { currentPassword: PASSWORD, password: 'a brand new passphrase' })).toEqual({
			ok: true,
			value: undefined
		});
		expect(await validateSessionToken(db.sql, person.token)).toBeNull();
		expect((await signIn(db.sql, person.email, 'a brand new passphrase', '10.9.0.1')).ok).toBe(true);
	});

	it('changes their email only once the new address is confirmed, and the old address is told', async () => {
		const person = await createOrganization(db.sql, 'agency');
		const taken = await createOrganization(db.sql, 'district');
		expect(await requestEmailChange(deps(), person.user, { email: taken.email, password: PASSWORD })).toMatchObject({
			ok: false,
			error: { fields: { email: expect.any(String) } }
		});
		expect(await requestEmailChange(deps(), person.user, { email: 'new@agency.example', password: 'wrong' })).toMatchObject({
			ok: false,
			error: { fields: { currentPassword: expect.any(String) } }
		});
		const newEmail = `moved-${person.user.id.slice(0, 8)}@agency.example`;
		expect(await requestEmailChange(deps(), person.user, { email: newEmail, password: PASSWORD })).toEqual({ ok: true, value: { email: newEmail } });
		expect((await fresh(person)).email).toBe(person.email);
		const mail = await mailWith(newEmail, '/account/verify/');
		expect(await confirmEmail(deps(), tokenOf(firstLink(mail.raw, '/account/verify/')))).toMatchObject({
			ok: true,
			value: { email: newEmail, changedFrom: person.email }
		});
		expect(await fresh(person)).toMatchObject({ email: newEmail, emailVerified: true });
		expect(await mailWith(person.email, 'Your MOU Studio email address was changed')).toBeTruthy();
	});
});

describe('member management', () => {
	it('changes roles and removes members at once, keeps an administrator, and tells the live documents', async () => {
		const admin = await createOrganization(db.sql, 'agency');
		const counsel = await addColleague(db.sql, admin, 'counsel');
		const stranger = await createOrganization(db.sql, 'district');
		const changed: string[] = [];
		const memberDeps = { sql: db.sql, onAccessChanged: (id: string) => void changed.push(id) };

		expect(await changeMember(memberDeps, counsel.user, { userId: admin.user.id, role: 'viewer' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
		expect(await changeMember(memberDeps, admin.user, { userId: stranger.user.id, role: 'viewer' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect(await changeMember(memberDeps, admin.user, { userId: admin.user.id, role: 'counsel', isAdmin: false })).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/at least one administrator/) }
		});
		expect(await changeMember(memberDeps, admin.user, { userId: counsel.user.id, role: 'superuser' })).toMatchObject({
			ok: false,
			error: { code: 'invalid_input' }
		});
		expect(changed).toEqual([]);

		expect(await changeMember(memberDeps, admin.user, { userId: counsel.user.id, role: 'viewer' })).toEqual({ ok: true, value: { name: 'counsel colleague' } });
		expect(await fresh(counsel)).toMatchObject({ role: 'viewer', isAdmin: false });
		expect(changed).toEqual([counsel.user.id]);

		expect(await removeMember(memberDeps, admin.user, { userId: admin.user.id })).toMatchObject({ ok: false, error: { code: 'not_now' } });
		expect(await removeMember(memberDeps, admin.user, { userId: counsel.user.id })).toEqual({ ok: true, value: { name: 'counsel colleague' } });
		expect(changed).toEqual([counsel.user.id, counsel.user.id]);
		expect(await validateSessionToken(db.sql, counsel.token)).toBeNull();
		expect(await signIn(db.sql, counsel.email, PASSWORD, '10.9.0.2')).toMatchObject({
			ok: false,
			error: { code: 'forbidden', message: expect.stringMatching(/removed you/) }
		});
		expect(await requestPasswordReset(keptDeps(), { email: counsel.email }, '10.9.0.2')).toEqual({ ok: true, value: { message: RESET_REQUESTED } });
		expect(await db.sql`select 1 from account_tokens where user_id = ${counsel.user.id} and purpose = 'reset_password'`).toHaveLength(0);
	});
});
