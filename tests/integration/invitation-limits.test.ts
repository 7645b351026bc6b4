import { describe, expect, it } from 'vitest';
import { addColleague, createOrganization, type Person } from '../helpers/fixtures';
import { mailWorld, type SmtpServer } from '../helpers/mail-world';
import type { Database } from '../../src/lib/server/db';
import type { Mailer } from '../../src/lib/server/mail';
import { validateSessionToken } from '../../src/lib/server/auth';
import { createMou, inviteParty, PARTY_INVITATION_SUBJECT } from '../../src/lib/server/mous';
import { inviteMember, MEMBER_INVITATION_SUBJECT } from '../../src/lib/server/orgs';
import {
	CONFIRM_BEFORE_INVITING,
	INVITATIONS_PER_MOU_PER_DAY,
	INVITATIONS_PER_ORGANIZATION_PER_DAY,
	INVITATIONS_PER_SENDER_PER_DAY
} from '../../src/lib/server/invitations';
import { DAY_MS } from '../../src/lib/server/limits';

/**
 * Invitations mail addresses the sender chooses, with text the sender wrote: only from a confirmed
 * address, capped per day, under a fixed subject, with what the sender typed quoted and inert.
 */

let db: Database;
let smtp: SmtpServer;
let mailer: Mailer;
mailWorld((world) => ({ db, smtp, mailer } = world));
const deps = () => ({ sql: db.sql, mailer, origin: 'http://app.test' });

async function draft(agency: Person, title = 'Springfield SRO MOU') {
	const created = await createMou(db.sql, agency.user, { title, state: 'none' });
	if (!created.ok) throw new Error(JSON.stringify(created.error));
	return created.value.id;
}

async function outboxTo(email: string) {
	return db.sql<{ subject: string }[]>`select subject from outbox where to_address = ${email}`;
}

/** A message's text and HTML parts, decoded (nodemailer writes quoted-printable or base64, UTF-8). */
function parts(raw: string): { subject: string; text: string; html: string } {
	const subject = /^Subject: (.*)$/m.exec(raw)![1];
	const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw)![1];
	const found: Record<string, string> = {};
	for (const part of raw.split(`--${boundary}`)) {
		const type = /Content-Type: text\/(plain|html)/i.exec(part)?.[1];
		if (!type) continue;
		const body = part
			.split(/\r?\n\r?\n/)
			.slice(1)
			.join('\n\n');
		const encoding = /Content-Transfer-Encoding: (\S+)/i.exec(part)?.[1].toLowerCase();
		const bytes =
			encoding === 'base64'
				? Buffer.from(body.replace(/\s+/g, ''), 'base64')
				: encoding === 'quoted-printable'
					? Buffer.from(
							body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
							'latin1'
						)
					: Buffer.from(body, 'utf8');
		found[type] = bytes.toString('utf8');
	}
	return { subject, text: found.plain, html: found.html };
}

describe('an invitation', () => {
	it('is refused, with where to confirm, until the sender has confirmed their own address', async () => {
		const agency = await createOrganization(db.sql, 'agency', 'counsel', false);
		const mouId = await draft(agency);
		const party = await inviteParty(deps(), agency.user, mouId, { email: 'victim@district.example' });
		expect(party).toEqual({ ok: false, error: { code: 'not_now', message: CONFIRM_BEFORE_INVITING } });
		expect(CONFIRM_BEFORE_INVITING).toMatch(/account page/);
		const member = await inviteMember(deps(), agency.user, { email: 'victim@agency.example', role: 'viewer' });
		expect(member).toEqual({ ok: false, error: { code: 'not_now', message: CONFIRM_BEFORE_INVITING } });
		expect(await outboxTo('victim@district.example')).toEqual([]);
		expect(await outboxTo('victim@agency.example')).toEqual([]);
		// A typo is still reported as a typo (and costs nothing).
		expect(await inviteParty(deps(), agency.user, mouId, { email: 'not an address' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
	});

	it('is capped per MOU per day, the next refused with a message, and allowed again a day later', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		const mouId = await draft(agency);
		const now = new Date();
		for (let i = 0; i < INVITATIONS_PER_MOU_PER_DAY; i++) {
			expect((await inviteParty(deps(), agency.user, mouId, { email: `district${i}@district.example` }, now))?.ok).toBe(true);
		}
		const over = await inviteParty(deps(), agency.user, mouId, { email: 'one-more@district.example' }, now);
		expect(over).toEqual({
			ok: false,
			error: {
				code: 'rate_limited',
				message: `This MOU has had ${INVITATIONS_PER_MOU_PER_DAY} invitations in the last 24 hours, the most MOU Studio sends in a day. Try again tomorrow.`
			}
		});
		expect(await outboxTo('one-more@district.example')).toEqual([]);
		// Another MOU of the same sender is not held back by this one.
		expect((await inviteParty(deps(), agency.user, await draft(agency), { email: 'other@district.example' }, now))?.ok).toBe(true);
		const tomorrow = new Date(now.getTime() + DAY_MS + 1000);
		expect((await inviteParty(deps(), agency.user, mouId, { email: 'one-more@district.example' }, tomorrow))?.ok).toBe(true);
	});

	it('is capped per sender and per organization per day, across MOUs and colleagues', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		const now = new Date();
		let sent = 0;
		while (sent < INVITATIONS_PER_SENDER_PER_DAY) {
			const mouId = await draft(agency);
			for (let i = 0; i < INVITATIONS_PER_MOU_PER_DAY && sent < INVITATIONS_PER_SENDER_PER_DAY; i++, sent++) {
				expect((await inviteParty(deps(), agency.user, mouId, { email: `d${sent}@district.example` }, now))?.ok).toBe(true);
			}
		}
		const message = `You have sent ${INVITATIONS_PER_SENDER_PER_DAY} invitations in the last 24 hours, the most MOU Studio sends in a day. Try again tomorrow.`;
		expect(await inviteParty(deps(), agency.user, await draft(agency), { email: 'next@district.example' }, now)).toEqual({
			ok: false,
			error: { code: 'rate_limited', message }
		});
		expect(await inviteMember(deps(), agency.user, { email: 'next@agency.example', role: 'viewer' }, now)).toEqual({
			ok: false,
			error: { code: 'rate_limited', message }
		});

		// An organization's administrators together, inviting colleagues: one sends as many as one may, another the rest.
		const district = await createOrganization(db.sql, 'district');
		const colleague = await addColleague(db.sql, district, 'counsel');
		await db.sql`update memberships set is_admin = true where user_id = ${colleague.user.id}`;
		const secondAdmin = (await validateSessionToken(db.sql, colleague.token))!.user;
		expect(secondAdmin).toMatchObject({ isAdmin: true, emailVerified: true });
		for (let i = 1; i < INVITATIONS_PER_SENDER_PER_DAY; i++) {
			expect((await inviteMember(deps(), district.user, { email: `c${i}@district.example`, role: 'viewer' }, now)).ok).toBe(true);
		}
		for (let i = INVITATIONS_PER_SENDER_PER_DAY; i < INVITATIONS_PER_ORGANIZATION_PER_DAY; i++) {
			expect((await inviteMember(deps(), secondAdmin, { email: `c${i}@district.example`, role: 'viewer' }, now)).ok).toBe(true);
		}
		expect(await inviteMember(deps(), secondAdmin, { email: 'c-next@district.example', role: 'viewer' }, now)).toEqual({
			ok: false,
			error: {
				code: 'rate_limited',
				message: `Your organization has sent ${INVITATIONS_PER_ORGANIZATION_PER_DAY} invitations in the last 24 hours, the most MOU Studio sends in a day. Try again tomorrow.`
			}
		});
		expect(await outboxTo('c-next@district.example')).toEqual([]);
	});

	it('sent all at once still stops at the cap', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		const mouId = await draft(agency);
		const results = await Promise.all(Array.from({ length: 12 }, (_, i) => inviteParty(deps(), agency.user, mouId, { email: `burst${i}@district.example` })));
		expect(results.filter((r) => r?.ok).length).toBe(INVITATIONS_PER_MOU_PER_DAY);
		expect(results.filter((r) => r && !r.ok && r.error.code === 'rate_limited').length).toBe(12 - INVITATIONS_PER_MOU_PER_DAY);
	});

	it('has a fixed subject, and shows what the sender typed as quoted text that links nowhere', async () => {
		const founder = await createOrganization(db.sql, 'agency');
		const evilName = 'IRS Refunds <b>now</b> – claim at http://evil.example/claim';
		await db.sql`update organizations set name = ${evilName} where id = ${founder.user.organizationId}`;
		await db.sql`update users set name = ${'Refund Desk <a href="http://evil.example">'} where id = ${founder.user.id}`;
		const sender = { ...founder, user: (await validateSessionToken(db.sql, founder.token))!.user };
		expect(sender.user.organizationName).toBe(evilName);
		const mouId = await draft(sender, 'Your tax refund of $4,120 is waiting: https://www.evil.example/claim');

		expect((await inviteParty(deps(), sender.user, mouId, { email: 'victim@district.example' }))?.ok).toBe(true);
		expect((await inviteMember(deps(), sender.user, { email: 'victim@agency.example', role: 'viewer' })).ok).toBe(true);

		const party = parts((await smtp.waitFor('victim@district.example')).raw);
		const member = parts((await smtp.waitFor('victim@agency.example')).raw);
		expect(party.subject).toBe(PARTY_INVITATION_SUBJECT);
		expect(member.subject).toBe(MEMBER_INVITATION_SUBJECT);
		for (const mail of [party, member]) {
			expect(mail.subject).not.toMatch(/IRS|evil|Refund/);
			// Text part: quoted, and no address a mail client would link.
			expect(mail.text).toContain('“IRS Refunds <b>now</b> – claim at http[:]//evil[.]example/claim”');
			expect(mail.text).toContain('“Refund Desk <a href="http[:]//evil[.]example">”');
			expect(mail.text).toContain(`(“${sender.email.replace('.example', '[.]example')}”)`);
			expect(mail.text).not.toMatch(/evil\.example|https?:\/\/(?!app\.test\/)/);
			expect(mail.text).toMatch(/as the sender typed them/);
			// HTML part: escaped (no tag the sender wrote), and its only links are the product's own.
			expect(mail.html).toContain('“IRS Refunds &lt;b&gt;now&lt;/b&gt; – claim at http[:]//evil[.]example/claim”');
			expect(mail.html).not.toMatch(/<b>|evil\.example|<a href="http:\/\/evil/);
			const hrefs = [...mail.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
			expect(hrefs.length).toBe(1);
			expect(hrefs[0]).toMatch(/^http:\/\/app\.test\/(join|invitations)\/[a-z0-9]+$/);
		}
		expect(party.text).toContain('The MOU is titled “Your tax refund of $4,120 is waiting: https[:]//www[.]evil[.]example/claim”.');
		expect(party.html).not.toContain('https://www.evil');
	});
});
