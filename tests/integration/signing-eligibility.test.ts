import { describe, expect, it } from 'vitest';
import type { Mailer } from '../../src/lib/server/mail';
import type { Database } from '../../src/lib/server/db';
import {
	continueWithAccount,
	giveConsent,
	listMySignatures,
	loadCertificate,
	openSigningLink,
	parsePrepareForm,
	prefillDraft,
	requestCode,
	sendForSignature,
	sign,
	verifyCode,
	type CeremonyInput,
	type SigningDeps
} from '../../src/lib/server/signing';
import { addColleague } from '../helpers/fixtures';
import { agreedMou, codeIn, inkPng, lastMail, signToken, worldDraft } from './signing-world';
import { mailWorld } from '../helpers/mail-world';

/**
 * Who may sign (signing/eligibility.ts): every signer a member of the party they sign for with a
 * role that fits the capacity, recorded under their account's name; only that account stands in
 * for the emailed code; the ceremony shows the address only to the signer; the certificate shows
 * contacts only to those who may read them.
 */

let db: Database;
let mailer: Mailer;
mailWorld((world) => ({ db, mailer } = world));
const deps = (): SigningDeps => ({ sql: db.sql, mailer, origin: 'http://app.test' });
const browser = (extra: Partial<CeremonyInput> = {}): CeremonyInput => ({ ipAddress: '203.0.113.7', userAgent: 'Vitest Browser/1.0', ...extra });
type World = Awaited<ReturnType<typeof agreedMou>>;

async function linkOf(email: string) {
	const mail = await lastMail(db.sql, email, 'Please sign%');
	if (!mail) throw new Error(`no invitation to ${email}`);
	return signToken(mail.text);
}

async function ceremonyFor(email: string, token: string) {
	expect((await requestCode(deps(), token, browser())).ok).toBe(true);
	const verified = await verifyCode(deps(), token, codeIn((await lastMail(db.sql, email, 'Your MOU Studio signing code'))!.text), browser());
	if (!verified.ok) throw new Error(verified.error.message);
	return verified.value.ceremonyToken;
}

/** Consents and signs (drawn) in the ceremony the cookie holds. */
async function consentAndSign(token: string, cookie: string) {
	expect((await giveConsent(deps(), token, 'on', browser({ ceremonyToken: cookie }))).ok).toBe(true);
	const view = await openSigningLink(deps(), token, browser({ ceremonyToken: cookie }));
	return sign(
		deps(),
		token,
		{ kind: 'drawn', typedName: '', image: inkPng(), intent: 'on', fingerprint: view.agreement!.fingerprint },
		browser({ ceremonyToken: cookie })
	);
}

const requests = async (mouId: string) =>
	(await db.sql<{ count: number }[]>`select count(*)::int as count from signing_requests where mou_id = ${mouId}`)[0].count;

describe('who may be named to sign', () => {
	it('refuses a viewer of the other party, a viewer or counsel of one’s own, and anyone outside, each beside its field', async () => {
		const w = await agreedMou(db.sql);
		const districtViewer = await addColleague(db.sql, w.districtCounsel, 'viewer');
		const base = worldDraft(w);
		const cases: Array<[string, World['chief'], number, RegExp]> = [
			['other party’s viewer', districtViewer, 1, /is a viewer at Springfield Schools .*; to sign as district superintendent they need the signatory role/],
			['own party’s viewer', w.agencyViewer, 0, /is a viewer at Springfield Police .*; to sign as agency head they need the signatory role/],
			['own party’s counsel (the sender)', w.agencyCounsel, 0, /is counsel at Springfield Police .*the signatory role/],
			['other party’s counsel', w.districtCounsel, 1, /is counsel at Springfield Schools/]
		];
		for (const [label, person, index, message] of cases) {
			const signers = base.signers.map((s, i) => (i === index ? { ...s, email: person.email } : s));
			const refused = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, { ...base, signers }, browser());
			expect(refused, label).toMatchObject({
				ok: false,
				error: { code: 'invalid_input', fields: { [`signers.${index}.email`]: expect.stringMatching(message) } }
			});
		}
		// The chief's address for the district: not a member of the district.
		const crossed = { ...base, signers: [base.signers[0], { ...base.signers[1], email: w.chief.email }] };
		expect(await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, crossed, browser())).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/^.* is already listed as signer 1/) }
		});
		// A clerk attests: counsel cannot either.
		const clerk = { title: 'City Clerk', email: w.agencyCounsel.email, party: 'agency', capacity: 'clerk', accessCode: '' };
		expect(await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, { ...base, clerk }, browser())).toMatchObject({
			ok: false,
			error: { fields: { 'clerk.email': expect.stringMatching(/to attest they need the signatory role/) } }
		});
		expect(await requests(w.mouId)).toBe(0);
	});

	it('records and prints the account’s name, whatever name the form posts', async () => {
		const w = await agreedMou(db.sql);
		const form = new FormData();
		const fields: Record<string, string> = {
			'signers.0.name': 'Chief Robert Hale',
			'signers.0.title': 'Chief of Police',
			'signers.0.email': w.chief.email,
			'signers.0.party': 'agency',
			'signers.0.capacity': 'agency_head',
			'signers.0.accessCode': 'on',
			'signers.1.name': 'Dr. Maria Superintendent',
			'signers.1.title': 'Superintendent',
			'signers.1.email': w.superintendent.email,
			'signers.1.party': 'district',
			'signers.1.capacity': 'superintendent',
			routing: 'parallel',
			expiresOn: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10),
			reminderDays: '3'
		};
		for (const [k, v] of Object.entries(fields)) form.set(k, v);
		const sent = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, parsePrepareForm(form), browser());
		if (!sent?.ok) throw new Error(JSON.stringify(sent));
		expect(sent.value.accessCodes.map((c) => c.name)).toEqual(['Marcus Reyes']);
		const stored = await db.sql<{ name: string }[]>`
			select s.name from signing_signers s join signing_requests r on r.id = s.request_id where r.mou_id = ${w.mouId} order by s.position`;
		expect(stored.map((s) => s.name)).toEqual(['Marcus Reyes', 'Thomas Okafor']);
		expect((await lastMail(db.sql, w.chief.email, 'Please sign%'))!.text).toContain('Hello Marcus Reyes,');
		const [prepared] = await db.sql<{ detail: { signers: Array<{ name: string }> } }[]>`
			select detail from signing_audit where mou_id = ${w.mouId} and kind = 'prepared'`;
		expect(prepared.detail.signers.map((s) => s.name)).toEqual(['Marcus Reyes', 'Thomas Okafor']);
	});

	it('prefills only signatories, and the agency head the terms name as that signatory', async () => {
		const w = await agreedMou(db.sql, { agency_head_name: 'Marcus Reyes' });
		await db.sql`update memberships set title = null where user_id = ${w.chief.user.id}`;
		const draft = await prefillDraft(deps(), w.mouId);
		expect(draft.signers.map((s) => [s.email, s.capacity])).toEqual([
			[w.chief.email, 'agency_head'],
			[w.superintendent.email, 'superintendent']
		]);
		expect(draft.signers.some((s) => s.email === w.agencyViewer.email || s.email === w.agencyCounsel.email)).toBe(false);
	});
});

describe('the signer’s account', () => {
	it('stands in for the emailed code only for the signer’s own account, still a signatory of their party', async () => {
		const w = await agreedMou(db.sql);
		const sent = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, worldDraft(w), browser());
		expect(sent?.ok).toBe(true);
		const token = await linkOf(w.superintendent.email);
		// Another member of the district — counsel, or a second signatory — is not this signer.
		const otherSignatory = await addColleague(db.sql, w.districtCounsel, 'signatory');
		for (const user of [w.districtCounsel.user, otherSignatory.user, w.chief.user]) {
			expect(await continueWithAccount(deps(), token, browser({ user }))).toMatchObject({
				ok: false,
				error: { message: 'You are not signed in as this signer. Use the emailed code instead.' }
			});
		}
		// Before anyone proves who they are, the page has the address only masked.
		const anonymous = await openSigningLink(deps(), token, browser());
		expect(anonymous.signer).toMatchObject({ email: null, maskedEmail: expect.stringMatching(/^s…@colleague\.example$/) });
		expect(JSON.stringify(anonymous)).not.toContain(w.superintendent.email);
		expect(JSON.stringify(await openSigningLink(deps(), token, browser({ user: w.chief.user })))).not.toContain(w.superintendent.email);
		const asSigner = await openSigningLink(deps(), token, browser({ user: w.superintendent.user }));
		expect(asSigner).toMatchObject({ accountMatches: true, signer: { email: w.superintendent.email } });

		// Demoted to viewer after the request went out: no "Sign now", no account, no signature.
		await db.sql`update memberships set role = 'viewer' where user_id = ${w.superintendent.user.id}`;
		const demoted = { ...w.superintendent.user, role: 'viewer' as const };
		expect(await listMySignatures(db.sql, demoted)).toEqual([]);
		expect(await continueWithAccount(deps(), token, browser({ user: demoted }))).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/cannot sign for this party in this capacity/) }
		});
		const cookie = await ceremonyFor(w.superintendent.email, token);
		expect((await openSigningLink(deps(), token, browser({ ceremonyToken: cookie }))).signer?.email).toBe(w.superintendent.email);
		const refused = await consentAndSign(token, cookie);
		expect(refused).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no longer sign for this party/) } });
		// A signatory again: the same account continues and signs.
		await db.sql`update memberships set role = 'signatory' where user_id = ${w.superintendent.user.id}`;
		expect((await continueWithAccount(deps(), token, browser({ user: w.superintendent.user }))).ok).toBe(true);
	});
});

describe('the certificate of completion', () => {
	it('leaves out addresses, IP addresses and browsers for those who may not read signers’ contacts', async () => {
		const w = await agreedMou(db.sql);
		const draft = worldDraft(w, { recipients: [{ name: 'Board Secretary', email: 'secretary@copies.example' }] });
		expect((await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, draft, browser()))?.ok).toBe(true);
		for (const person of [w.chief, w.superintendent]) {
			const token = await linkOf(person.email);
			const started = await continueWithAccount(deps(), token, browser({ user: person.user }));
			if (!started.ok) throw new Error(started.error.message);
			const signed = await consentAndSign(token, started.value.ceremonyToken);
			if (!signed.ok) throw new Error(signed.error.message);
		}
		const full = (await loadCertificate(db.sql, w.mouId))!;
		expect(JSON.stringify(full)).toContain(w.chief.email);
		expect(JSON.stringify(full)).toContain('203.0.113.7');
		const bare = (await loadCertificate(db.sql, w.mouId, { contacts: false }))!;
		const text = JSON.stringify(bare);
		for (const secret of [w.chief.email, w.superintendent.email, w.agencyCounsel.email, 'secretary@copies.example', '203.0.113.7', 'Vitest Browser'])
			expect(text, secret).not.toContain(secret);
		expect(bare.signers.map((s) => s.name)).toEqual(['Marcus Reyes', 'Thomas Okafor']);
		expect(bare.copyRecipients).toEqual([{ name: 'Board Secretary', email: '' }]);
		expect(bare.events.length).toBe(full.events.length);
	});
});
