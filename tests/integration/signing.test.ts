import { describe, expect, it } from 'vitest';
import type { Mailer } from '../../src/lib/server/mail';
import type { Database } from '../../src/lib/server/db';
import { hashToken } from '../../src/lib/server/auth';
import {
	continueWithAccount,
	decline,
	giveConsent,
	loadAuditTrail,
	loadCertificate,
	loadSigningOverview,
	openSigningLink,
	prefillDraft,
	recordView,
	requestCode,
	runSigningDuties,
	sendForSignature,
	sign,
	verifyAccessCode,
	verifyAuditChain,
	verifyCode,
	voidRequest,
	type CeremonyInput,
	type SigningDeps
} from '../../src/lib/server/signing';
import type { PrepareDraft } from '../../src/lib/signing/types';
import { agreedMou, codeIn, inkPng, lastMail, mailsTo, signToken, worldDraft } from './signing-world';
import type { Person } from '../helpers/fixtures';
import { mailWorld, type SmtpServer } from '../helpers/mail-world';

let db: Database;
let smtp: SmtpServer;
let mailer: Mailer;
const notices: string[] = [];
/** What the workflow handed to the mailer, attachments included. */
const handed: Array<{ to: string; subject: string; attachments?: Array<{ filename: string; content: Buffer }> }> = [];
const recording = (): Mailer => ({ ...mailer, send: (mail) => (handed.push(mail as (typeof handed)[number]), mailer.send(mail)) });
const deps = (): SigningDeps => ({
	sql: db.sql,
	mailer: recording(),
	origin: 'http://app.test',
	collab: { notify: (mouId, topic) => void notices.push(`${mouId}:${topic}`) }
});
const browser = (extra: Partial<CeremonyInput> = {}): CeremonyInput => ({ ipAddress: '203.0.113.7', userAgent: 'Vitest Browser/1.0', ...extra });
const DAY = 86_400_000;

mailWorld((world) => ({ db, smtp, mailer } = world));

type World = Awaited<ReturnType<typeof agreedMou>>;

function isoDay(at: Date) {
	return at.toISOString().slice(0, 10);
}

function draftFor(w: World, patch: Partial<PrepareDraft> = {}): PrepareDraft {
	return worldDraft(w, {
		recipients: [{ name: 'Board Secretary', email: `secretary-${w.mouId.slice(0, 8)}@copies.example` }],
		routing: 'sequential',
		message: 'Please sign before the board meets.',
		...patch
	});
}

async function send(w: World, patch: Partial<PrepareDraft> = {}, now = new Date()) {
	const result = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, draftFor(w, patch), browser(), now);
	if (!result || !result.ok) throw new Error(JSON.stringify(result));
	return result.value;
}

async function linkOf(email: string) {
	const mail = await lastMail(db.sql, email, 'Please sign%');
	if (!mail) throw new Error(`no invitation to ${email}`);
	return signToken(mail.text);
}

/** Code → consent: returns the ceremony cookie value. */
async function authenticate(email: string, token: string, now = new Date()) {
	const asked = await requestCode(deps(), token, browser(), now);
	if (!asked.ok) throw new Error(asked.error.message);
	const mail = await lastMail(db.sql, email, 'Your MOU Studio signing code');
	const verified = await verifyCode(deps(), token, codeIn(mail!.text), browser(), now);
	if (!verified.ok) throw new Error(verified.error.message);
	const consent = await giveConsent(deps(), token, 'on', browser({ ceremonyToken: verified.value.ceremonyToken }), now);
	if (!consent.ok) throw new Error(consent.error.message);
	return verified.value.ceremonyToken;
}

async function signAs(email: string, token: string, now = new Date(), ceremonyToken?: string) {
	const cookie = ceremonyToken ?? (await authenticate(email, token, now));
	const view = await openSigningLink(deps(), token, browser({ ceremonyToken: cookie }), now);
	expect(view.step).toBe('sign');
	return sign(
		deps(),
		token,
		{ kind: 'drawn', typedName: '', image: inkPng(), intent: 'on', fingerprint: view.agreement!.fingerprint },
		browser({ ceremonyToken: cookie }),
		now
	);
}

async function status(mouId: string) {
	const [row] = await db.sql<{ status: string }[]>`select status from mous where id = ${mouId}`;
	return row.status;
}

describe('preparing a signing request', () => {
	it('is refused unless the MOU is agreed, and only to counsel', async () => {
		const w = await agreedMou(db.sql);
		await db.sql`update mous set status = 'negotiating' where id = ${w.mouId}`;
		const refused = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, draftFor(w), browser());
		expect(refused).toMatchObject({ ok: false, error: { message: expect.stringMatching(/agreed/) } });
		await db.sql`update mous set status = 'agreed' where id = ${w.mouId}`;
		const bySignatory = await sendForSignature(deps(), w.chief.user, w.mouId, draftFor(w), browser());
		expect(bySignatory).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Only counsel/) } });
		const stranger = await agreedMou(db.sql);
		expect(await sendForSignature(deps(), stranger.agencyCounsel.user, w.mouId, draftFor(w), browser())).toBeNull();
		expect(await status(w.mouId)).toBe('agreed');
	});

	it('refuses a signer for the other party who is not a member of its organization', async () => {
		const w = await agreedMou(db.sql);
		const base = draftFor(w);
		const forged = { ...base, signers: [base.signers[0], { ...base.signers[1], email: 'not-the-superintendent@example.org' }] };
		const refused = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, forged, browser());
		expect(refused).toMatchObject({
			ok: false,
			error: {
				code: 'invalid_input',
				fields: { 'signers.1.email': expect.stringMatching(/^not-the-superintendent@example.org is not a member of Springfield Schools/) }
			}
		});
		expect(await status(w.mouId)).toBe('agreed');
	});

	it('prefills signers from the parties’ signatories and their titles', async () => {
		const w = await agreedMou(db.sql);
		const draft = await prefillDraft(deps(), w.mouId);
		expect(draft.signers.map((s) => [s.email, s.party, s.capacity, s.title])).toEqual([
			[w.chief.email, 'agency', 'agency_head', 'Chief of Police'],
			[w.superintendent.email, 'district', 'superintendent', 'Superintendent']
		]);
		expect(draft.routing).toBe('sequential');
	});

	it('explains bad input field by field and keeps what was typed', async () => {
		const w = await agreedMou(db.sql);
		const draft = draftFor(w, {
			signers: [
				{ title: 'Chief of Police', email: 'not-an-email', party: 'agency', capacity: 'agency_head', accessCode: '' },
				{ title: 'Superintendent', email: w.superintendent.email, party: 'district', capacity: 'superintendent', accessCode: '' },
				{
					title: 'Board President',
					email: w.superintendent.email.toUpperCase(),
					party: 'district',
					capacity: 'board_president',
					accessCode: ''
				}
			],
			expiresOn: '2020-01-01',
			recipients: [{ name: 'Copy', email: 'copy@@example' }]
		});
		const result = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, draft, browser());
		expect(result?.ok).toBe(false);
		if (result?.ok !== false) return;
		expect(result.error.fields?.['signers.0.email']).toMatch(/not a valid email/);
		expect(result.error.fields?.['signers.2.email']).toMatch(/already/);
		expect(result.error.fields?.expiresOn).toMatch(/after today/);
		expect(result.error.fields?.['recipients.0.email']).toMatch(/not a valid email/);
		expect(result.draft?.signers[0].email).toBe('not-an-email');

		const far = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, draftFor(w, { expiresOn: isoDay(new Date(Date.now() + 400 * DAY)) }), browser());
		expect(far).toMatchObject({ ok: false, error: { fields: { expiresOn: expect.stringMatching(/one year/) } } });
		const bad = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, draftFor(w, { expiresOn: '2027-02-30' }), browser());
		expect(bad).toMatchObject({ ok: false, error: { fields: { expiresOn: expect.stringMatching(/YYYY-MM-DD/) } } });
		const noHead = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, draftFor(w, { signers: [draftFor(w).signers[1]] }), browser());
		expect(noHead).toMatchObject({ ok: false, error: { message: expect.stringMatching(/agency head/) } });
		expect(await status(w.mouId)).toBe('agreed');
	});
});

describe('the signing ceremony', () => {
	it('runs in order, completes once, and records everything', async () => {
		const w = await agreedMou(db.sql, { term_start: '2027-08-01', review_interval_months: '24' });
		const sent = await send(w);
		expect(sent.accessCodes).toEqual([]);
		expect(await status(w.mouId)).toBe('signing');
		// Sequential: only the chief has a link so far.
		const chiefToken = await linkOf(w.chief.email);
		expect(await lastMail(db.sql, w.superintendent.email, 'Please sign%')).toBeNull();

		const first = await openSigningLink(deps(), chiefToken, browser());
		expect(first).toMatchObject({ state: 'active', step: 'authenticate', agreement: null });
		expect(first.disclosure.map((d) => d.heading)).toContain('Paper copies');
		const signed = await signAs(w.chief.email, chiefToken);
		expect(signed).toEqual({ ok: true, value: { completed: false } });
		expect(await status(w.mouId)).toBe('signing');

		const superToken = await linkOf(w.superintendent.email);
		const last = await signAs(w.superintendent.email, superToken);
		expect(last).toEqual({ ok: true, value: { completed: true } });

		const [mou] =
			await db.sql`select status, signed_at, to_char(effective_date, 'YYYY-MM-DD') as eff, to_char(review_due_on, 'YYYY-MM-DD') as due, review_interval_months from mous where id = ${w.mouId}`;
		expect(mou).toMatchObject({ status: 'signed', eff: '2027-08-01', due: '2029-08-01', review_interval_months: 24 });
		expect(mou.signed_at).toBeInstanceOf(Date);

		const certificate = await loadCertificate(db.sql, w.mouId);
		expect(certificate).not.toBeNull();
		expect(certificate!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
		expect(certificate!.signers.map((s) => [s.name, s.party, s.ipAddress, s.userAgent, s.signatureKind])).toEqual([
			['Marcus Reyes', 'agency', '203.0.113.7', 'Vitest Browser/1.0', 'drawn'],
			['Thomas Okafor', 'district', '203.0.113.7', 'Vitest Browser/1.0', 'drawn']
		]);
		for (const s of certificate!.signers) {
			expect(s.authentication).toMatch(/one-time code sent to/);
			expect(s.viewedAt && s.consentedAt && s.signedAt && s.sentAt).toBeTruthy();
			expect(s.signatureImage).toMatch(/^data:image\/png;base64,/);
		}
		expect(certificate!.effectiveDate).toBe('2027-08-01');
		expect(certificate!.nextReviewDate).toBe('2029-08-01');
		const kinds = certificate!.events.map((e) => e.kind);
		for (const kind of ['prepared', 'sent', 'delivered', 'viewed', 'code_sent', 'code_verified', 'consent_given', 'signed', 'completed'])
			expect(kinds).toContain(kind);
		expect(kinds.filter((k) => k === 'completed')).toHaveLength(1);

		// Completion email: counsel and signatories of both parties, the copy recipient; not the viewer.
		for (const person of [w.agencyCounsel, w.districtCounsel, w.chief, w.superintendent]) {
			const mail = await lastMail(db.sql, person.email, 'Signed:%');
			expect(mail?.text).toContain(`/mous/${w.mouId}/signing/certificate`);
		}
		const copy = await lastMail(db.sql, `secretary-${w.mouId.slice(0, 8)}@copies.example`, 'Signed:%');
		expect(copy?.text).toMatch(/\/sign\/[a-z0-9]+\/certificate/);
		expect(await lastMail(db.sql, w.agencyViewer.email, 'Signed:%')).toBeNull();
		// The signed DOCX, issued once by the export feature, goes with every completion email.
		const [issued] = await db.sql`select sha256 from signed_documents where mou_id = ${w.mouId}`;
		expect(issued?.sha256).toMatch(/^[0-9a-f]{64}$/);
		const completion = handed.filter((m) => m.subject.startsWith('Signed:') && m.to === w.districtCounsel.email);
		expect(completion).toHaveLength(1);
		expect(completion[0].attachments?.[0].filename).toMatch(/\.docx$/);
		expect(completion[0].attachments?.[0].content.subarray(0, 2).toString()).toBe('PK');

		expect(await verifyAuditChain(db.sql, w.mouId)).toMatchObject({ ok: true });
		const trail = await loadAuditTrail(db.sql, w.districtCounsel.user, w.mouId);
		expect(trail !== 'forbidden' && trail?.verification.ok).toBe(true);
		expect(await loadAuditTrail(db.sql, w.chief.user, w.mouId)).toBe('forbidden');
		expect(notices).toContain(`${w.mouId}:status`);
	});

	it('refuses signing out of turn, twice, and after the request is signed', async () => {
		const w = await agreedMou(db.sql);
		const { requestId } = await send(w);
		// A link for the superintendent before their turn (as if guessed or leaked): still refused.
		const early = 'earlylinkforthesuperintendent0000';
		const [superRow] = await db.sql`select id from signing_signers where request_id = ${requestId} and email = ${w.superintendent.email}`;
		await db.sql`insert into signing_links (request_id, signer_id, purpose, token_hash, expires_at) values (${requestId}, ${superRow.id}, 'sign', ${hashToken(early)}, now() + interval '1 day')`;
		expect((await openSigningLink(deps(), early, browser())).state).toBe('not_yet');
		expect(await requestCode(deps(), early, browser())).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not your turn/) } });

		const chiefToken = await linkOf(w.chief.email);
		const cookie = await authenticate(w.chief.email, chiefToken);
		expect(await signAs(w.chief.email, chiefToken, new Date(), cookie)).toEqual({ ok: true, value: { completed: false } });
		const again = await sign(
			deps(),
			chiefToken,
			{ kind: 'drawn', typedName: '', image: inkPng(), intent: 'on', fingerprint: 'x' },
			browser({ ceremonyToken: cookie })
		);
		expect(again).toMatchObject({ ok: false, error: { message: expect.stringMatching(/You have signed/) } });
		expect((await openSigningLink(deps(), chiefToken, browser())).state).toBe('signed');
	});

	it('locks a code after five wrong tries, expires codes, and limits resends', async () => {
		const w = await agreedMou(db.sql);
		await send(w);
		const token = await linkOf(w.chief.email);
		const t0 = new Date();
		expect(await requestCode(deps(), token, browser(), t0)).toMatchObject({ ok: true });
		expect(await requestCode(deps(), token, browser(), new Date(t0.getTime() + 10_000))).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/less than a minute/) }
		});
		const code = codeIn((await lastMail(db.sql, w.chief.email, 'Your MOU Studio signing code%'))!.text);
		const wrong = code === '000000' ? '111111' : '000000';
		for (let i = 1; i <= 4; i++) {
			expect(await verifyCode(deps(), token, wrong, browser(), t0)).toMatchObject({ ok: false, error: { message: expect.stringMatching(`${5 - i} tr`) } });
		}
		expect(await verifyCode(deps(), token, wrong, browser(), t0)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/locked/) } });
		expect(await verifyCode(deps(), token, code, browser(), t0)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/locked/) } });
		expect(await verifyCode(deps(), token, 'abc', browser(), t0)).toMatchObject({ ok: false, error: { fields: { code: expect.any(String) } } });

		// A new code a minute later works — but not after ten minutes.
		const t1 = new Date(t0.getTime() + 61_000);
		expect(await requestCode(deps(), token, browser(), t1)).toMatchObject({ ok: true });
		const fresh = codeIn((await lastMail(db.sql, w.chief.email, 'Your MOU Studio signing code%'))!.text);
		expect(await verifyCode(deps(), token, fresh, browser(), new Date(t1.getTime() + 10 * 60_000 + 1))).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/expired/) }
		});
		const t2 = new Date(t1.getTime() + 11 * 60_000);
		expect(await requestCode(deps(), token, browser(), t2)).toMatchObject({ ok: true });
		const third = codeIn((await lastMail(db.sql, w.chief.email, 'Your MOU Studio signing code%'))!.text);
		const verified = await verifyCode(deps(), token, third, browser(), t2);
		expect(verified.ok).toBe(true);
		// Used once only.
		expect(await verifyCode(deps(), token, third, browser(), t2)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/already used/) } });

		// At most five codes an hour.
		for (let i = 1; i <= 2; i++) expect(await requestCode(deps(), token, browser(), new Date(t2.getTime() + i * 61_000))).toMatchObject({ ok: true });
		expect(await requestCode(deps(), token, browser(), new Date(t2.getTime() + 3 * 61_000))).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/5 codes/) }
		});
		const trail = await loadAuditTrail(db.sql, w.agencyCounsel.user, w.mouId);
		const kinds = trail !== 'forbidden' ? trail!.entries.map((e) => e.kind) : [];
		expect(kinds.filter((k) => k === 'code_failed')).toHaveLength(5);
		expect(kinds).toContain('code_locked');
	});

	it('stops guessing across codes: after 15 wrong codes in all, no new code is sent', async () => {
		const w = await agreedMou(db.sql);
		await send(w);
		const token = await linkOf(w.chief.email);
		let at = new Date();
		for (let round = 0; round < 3; round++) {
			at = new Date(at.getTime() + 2 * 60 * 60_000); // past the hourly limit each time
			expect(await requestCode(deps(), token, browser(), at)).toMatchObject({ ok: true });
			const code = codeIn((await lastMail(db.sql, w.chief.email, 'Your MOU Studio signing code%'))!.text);
			const wrong = code === '000000' ? '111111' : '000000';
			for (let i = 0; i < 5; i++) await verifyCode(deps(), token, wrong, browser(), at);
		}
		at = new Date(at.getTime() + 2 * 60 * 60_000);
		expect(await requestCode(deps(), token, browser(), at)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Too many wrong codes/) } });
	});

	it('requires the access code when counsel set one, and lets a signed-in signer skip the emailed code', async () => {
		const w = await agreedMou(db.sql);
		const base = draftFor(w);
		const sent = await send(w, { routing: 'parallel', signers: [{ ...base.signers[0], accessCode: 'on' }, base.signers[1]] });
		expect(sent.accessCodes).toHaveLength(1);
		expect(sent.accessCodes[0]).toMatchObject({ email: w.chief.email, code: expect.stringMatching(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/) });
		const [stored] = await db.sql`select access_code_hash from signing_signers where email = ${w.chief.email}`;
		expect(stored.access_code_hash).not.toContain(sent.accessCodes[0].code);

		const token = await linkOf(w.chief.email);
		const asked = await requestCode(deps(), token, browser());
		expect(asked.ok).toBe(true);
		const verified = await verifyCode(deps(), token, codeIn((await lastMail(db.sql, w.chief.email, 'Your MOU Studio signing code%'))!.text), browser());
		if (!verified.ok) throw new Error(verified.error.message);
		const cookie = verified.value.ceremonyToken;
		expect((await openSigningLink(deps(), token, browser({ ceremonyToken: cookie }))).step).toBe('access');
		expect(await giveConsent(deps(), token, 'on', browser({ ceremonyToken: cookie }))).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/access code/) }
		});
		expect(await verifyAccessCode(deps(), token, 'WRNG-CODE', browser({ ceremonyToken: cookie }))).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/4 tries left/) }
		});
		expect(await verifyAccessCode(deps(), token, sent.accessCodes[0].code.toLowerCase().replace('-', ' '), browser({ ceremonyToken: cookie }))).toEqual({
			ok: true
		});
		expect((await openSigningLink(deps(), token, browser({ ceremonyToken: cookie }))).step).toBe('consent');
		// Someone else's browser, with the link but no ceremony cookie, gets nowhere.
		expect(await giveConsent(deps(), token, 'on', browser())).toMatchObject({ ok: false, error: { message: expect.stringMatching(/code we emailed/) } });

		// The superintendent is signed in to MOU Studio: no code needed.
		const superToken = await linkOf(w.superintendent.email);
		expect(await continueWithAccount(deps(), superToken, browser({ user: w.chief.user }))).toMatchObject({ ok: false });
		// An account with the signer's address but outside the district (sign-up checks no address) is not enough.
		const impostor = { ...w.chief.user, email: w.superintendent.email };
		expect(await continueWithAccount(deps(), superToken, browser({ user: impostor }))).toMatchObject({ ok: false });
		const account = await continueWithAccount(deps(), superToken, browser({ user: w.superintendent.user }));
		if (!account.ok) throw new Error(account.error.message);
		expect((await openSigningLink(deps(), superToken, browser({ ceremonyToken: account.value.ceremonyToken }))).step).toBe('consent');
	});

	it('checks the adopted signature and the statement of intent', async () => {
		const w = await agreedMou(db.sql);
		await send(w);
		const token = await linkOf(w.chief.email);
		const cookie = await authenticate(w.chief.email, token);
		const view = await openSigningLink(deps(), token, browser({ ceremonyToken: cookie }));
		expect(view.agreement!.html).toContain('<h2 id="agreement-1">');
		expect(view.agreement!.outline.length).toBeGreaterThan(20);
		const fingerprint = view.agreement!.fingerprint;
		const attempt = (patch: Record<string, unknown>) =>
			sign(deps(), token, { kind: 'drawn', typedName: '', image: inkPng(), intent: 'on', fingerprint, ...patch }, browser({ ceremonyToken: cookie }));
		expect(await attempt({ image: 'data:image/jpeg;base64,AAAA' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/PNG/) } });
		expect(await attempt({ image: inkPng(240, 80, false) })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/empty/) } });
		expect(await attempt({ image: inkPng(2000, 80) })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/too large/) } });
		expect(await attempt({ image: `data:image/png;base64,${'A'.repeat(400_000)}` })).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/too large/) }
		});
		const damaged = inkPng().replace(/.{8}$/, 'AAAAAAAA');
		expect(await attempt({ image: damaged })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/damaged|PNG/) } });
		expect(await attempt({ intent: '' })).toMatchObject({ ok: false, error: { fields: { intent: expect.any(String) } } });
		expect(await attempt({ fingerprint: '0'.repeat(64) })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not the one/) } });
		expect(await attempt({ kind: 'typed', typedName: ' ' })).toMatchObject({ ok: false, error: { fields: { typedName: expect.any(String) } } });
		expect(await attempt({ kind: 'typed', typedName: 'Marcus Reyes' })).toEqual({ ok: true, value: { completed: false } });
		const [row] = await db.sql`select signature_kind, signature_text from signing_signers where email = ${w.chief.email}`;
		expect(row).toMatchObject({ signature_kind: 'typed', signature_text: 'Marcus Reyes' });
	});

	it('refuses to change an agreed version (and so what is signed)', async () => {
		const w = await agreedMou(db.sql);
		await send(w);
		await expect(db.sql`update mou_versions set sha256 = ${'f'.repeat(64)} where id = ${w.versionId}`).rejects.toThrow(/cannot be changed/);
		await expect(db.sql`insert into mou_updates (mou_id, update) values (${w.mouId}, ${new Uint8Array([0, 0])})`).rejects.toThrow(/can no longer change/);
	});
});

describe('ending a request early', () => {
	it('a decline ends it at once and tells counsel of both parties', async () => {
		const w = await agreedMou(db.sql);
		const { requestId } = await send(w, { routing: 'parallel' });
		const chiefToken = await linkOf(w.chief.email);
		const superToken = await linkOf(w.superintendent.email);
		const cookie = await authenticate(w.chief.email, chiefToken);
		expect(await decline(deps(), chiefToken, '', browser({ ceremonyToken: cookie }))).toMatchObject({
			ok: false,
			error: { fields: { reason: expect.any(String) } }
		});
		expect(await decline(deps(), chiefToken, 'The cost split is not what the council approved.', browser())).toMatchObject({ ok: false });
		expect(await decline(deps(), chiefToken, 'The cost split is not what the council approved.', browser({ ceremonyToken: cookie }))).toEqual({ ok: true });
		expect(await status(w.mouId)).toBe('agreed');
		const [request] = await db.sql`select status, end_reason from signing_requests where id = ${requestId}`;
		expect(request).toMatchObject({ status: 'declined', end_reason: 'The cost split is not what the council approved.' });
		for (const counsel of [w.agencyCounsel, w.districtCounsel]) {
			expect((await lastMail(db.sql, counsel.email, 'Declined:%'))?.text).toContain('The cost split is not what the council approved.');
		}
		expect(await lastMail(db.sql, w.superintendent.email, 'Declined:%')).not.toBeNull();
		// Nobody can sign it any more.
		expect((await openSigningLink(deps(), superToken, browser())).state).toBe('ended');
		expect(await requestCode(deps(), superToken, browser())).toMatchObject({ ok: false, error: { message: expect.stringMatching(/declined/) } });
		expect((await openSigningLink(deps(), chiefToken, browser())).state).toBe('declined');
		// Counsel can send a new request.
		const again = await send(w);
		expect(again.requestId).not.toBe(requestId);
	});

	it('counsel can void it with a reason; every signer with a link is told and the links die', async () => {
		const w = await agreedMou(db.sql);
		await send(w, { routing: 'parallel' });
		const chiefToken = await linkOf(w.chief.email);
		const cookie = await authenticate(w.chief.email, chiefToken);
		expect(await voidRequest(deps(), w.chief.user, w.mouId, { reason: 'wrong' }, browser())).toMatchObject({ ok: false });
		expect(await voidRequest(deps(), w.districtCounsel.user, w.mouId, { reason: '' }, browser())).toMatchObject({
			ok: false,
			error: { fields: { reason: expect.any(String) } }
		});
		expect(await voidRequest(deps(), w.districtCounsel.user, w.mouId, { reason: 'The board moved its vote to March.' }, browser())).toMatchObject({ ok: true });
		expect(await status(w.mouId)).toBe('agreed');
		for (const signer of [w.chief, w.superintendent]) {
			expect((await lastMail(db.sql, signer.email, 'Signing request withdrawn%'))?.text).toContain('The board moved its vote to March.');
		}
		expect((await openSigningLink(deps(), chiefToken, browser({ ceremonyToken: cookie }))).state).toBe('voided');
		const late = await sign(
			deps(),
			chiefToken,
			{ kind: 'drawn', typedName: '', image: inkPng(), intent: 'on', fingerprint: 'x' },
			browser({ ceremonyToken: cookie })
		);
		expect(late).toMatchObject({ ok: false, error: { message: expect.stringMatching(/voided/) } });
		expect(await voidRequest(deps(), w.districtCounsel.user, w.mouId, { reason: 'again please' }, browser())).toMatchObject({
			ok: false,
			error: { message: expect.stringMatching(/no signing request/) }
		});
	});
});

describe('runSigningDuties', () => {
	it('expires overdue requests once, even when two instances run it at the same moment', async () => {
		const w = await agreedMou(db.sql);
		const { requestId } = await send(w, { expiresOn: isoDay(new Date(Date.now() + 2 * DAY)) });
		const token = await linkOf(w.chief.email);
		const after = new Date(Date.now() + 4 * DAY);
		// Before the duties run, the link already refuses.
		expect((await openSigningLink(deps(), token, browser(), after)).state).toBe('expired');
		const [a, b] = await Promise.all([runSigningDuties(deps(), after), runSigningDuties(deps(), after)]);
		expect(a.expired + b.expired).toBe(1);
		expect((await runSigningDuties(deps(), after)).expired).toBe(0);
		expect(await status(w.mouId)).toBe('agreed');
		const [request] = await db.sql`select status from signing_requests where id = ${requestId}`;
		expect(request.status).toBe('expired');
		expect((await mailsTo(db.sql, w.agencyCounsel.email)).filter((m) => m.subject.startsWith('Signing request expired'))).toHaveLength(1);
		expect((await mailsTo(db.sql, w.chief.email)).filter((m) => m.subject.startsWith('Signing request expired'))).toHaveLength(1);
	});

	it('reminds pending signers every N days, once per period, with a working link', async () => {
		const w = await agreedMou(db.sql);
		const t0 = new Date();
		await send(w, { reminderDays: '3', routing: 'parallel' }, t0);
		const soon = new Date(t0.getTime() + 2 * DAY);
		expect((await runSigningDuties(deps(), soon)).reminded).toBe(0);
		const due = new Date(t0.getTime() + 3 * DAY + 3600_000);
		const reminders = async (person: Person) => (await mailsTo(db.sql, person.email)).filter((m) => m.subject.startsWith('Reminder'));
		await Promise.all([runSigningDuties(deps(), due), runSigningDuties(deps(), due)]);
		await runSigningDuties(deps(), due);
		expect(await reminders(w.chief)).toHaveLength(1);
		expect(await reminders(w.superintendent)).toHaveLength(1);
		const reminderToken = signToken((await reminders(w.chief))[0].text);
		expect((await openSigningLink(deps(), reminderToken, browser(), due)).state).toBe('active');
		// The first link still works too.
		expect((await openSigningLink(deps(), await linkOf(w.chief.email), browser(), due)).state).toBe('active');
		await runSigningDuties(deps(), new Date(t0.getTime() + 6 * DAY + 3600_000));
		expect(await reminders(w.chief)).toHaveLength(2);
		const [count] = await db.sql`select count(*)::int as n from signing_audit where mou_id = ${w.mouId} and kind = 'reminded'`;
		expect(count.n).toBe(4);
	});
});

describe('racing signatures', () => {
	it('two last signatures at once complete the MOU exactly once', async () => {
		const w = await agreedMou(db.sql);
		const { requestId } = await send(w, { routing: 'parallel' });
		const chiefToken = await linkOf(w.chief.email);
		const superToken = await linkOf(w.superintendent.email);
		const [chiefCookie, superCookie] = [await authenticate(w.chief.email, chiefToken), await authenticate(w.superintendent.email, superToken)];
		const fingerprint = (await openSigningLink(deps(), chiefToken, browser({ ceremonyToken: chiefCookie }))).agreement!.fingerprint;
		const form = { kind: 'drawn', typedName: '', image: inkPng(), intent: 'on', fingerprint };
		const results = await Promise.all([
			sign(deps(), chiefToken, form, browser({ ceremonyToken: chiefCookie })),
			sign(deps(), superToken, form, browser({ ceremonyToken: superCookie })),
			sign(deps(), chiefToken, form, browser({ ceremonyToken: chiefCookie }))
		]);
		expect(results.filter((r) => r.ok)).toHaveLength(2);
		expect(results.filter((r) => r.ok && r.value.completed)).toHaveLength(1);
		expect(await status(w.mouId)).toBe('signed');
		const [count] = await db.sql`select count(*)::int as n from signing_audit where request_id = ${requestId} and kind = 'completed'`;
		expect(count.n).toBe(1);
		expect((await mailsTo(db.sql, w.agencyCounsel.email)).filter((m) => m.subject.startsWith('Signed:'))).toHaveLength(1);
		const overview = await loadSigningOverview(db.sql, w.agencyViewer.user, w.mouId);
		expect(overview?.current?.status).toBe('completed');
		expect(overview?.prepareProblem).toMatch(/Only counsel/);
	});
});

describe('the audit trail’s “viewed”', () => {
	it('is not recorded by fetching the link, only by the page in a browser or the signer’s first step', async () => {
		const w = await agreedMou(db.sql);
		await send(w);
		const token = await linkOf(w.chief.email);
		const viewedCount = async () => (await db.sql`select count(*)::int as n from signing_audit where mou_id = ${w.mouId} and kind = 'viewed'`)[0].n;
		// A mail scanner opens the link: it sees the page, but nobody has viewed anything.
		expect((await openSigningLink(deps(), token, browser({ userAgent: 'LinkScanner/2.0' }))).state).toBe('active');
		expect((await openSigningLink(deps(), token, browser({ userAgent: 'LinkScanner/2.0' }))).viewed).toBe(false);
		expect(await viewedCount()).toBe(0);
		const [before] = await db.sql`select viewed_at from signing_signers where email = ${w.chief.email}`;
		expect(before.viewed_at).toBeNull();
		// The page, loaded in the chief's browser, says so; twice is still once.
		expect(await recordView(deps(), token, browser())).toEqual({ ok: true, value: undefined });
		expect(await recordView(deps(), token, browser())).toEqual({ ok: true, value: undefined });
		expect(await viewedCount()).toBe(1);
		expect((await openSigningLink(deps(), token, browser())).viewed).toBe(true);
		// Without the page's script, the first step counts as the view.
		const other = await agreedMou(db.sql);
		await send(other);
		const otherToken = await linkOf(other.chief.email);
		await openSigningLink(deps(), otherToken, browser({ userAgent: 'LinkScanner/2.0' }));
		expect((await requestCode(deps(), otherToken, browser())).ok).toBe(true);
		const kinds = await db.sql`select kind, user_agent from signing_audit where mou_id = ${other.mouId} and kind in ('viewed', 'code_sent') order by seq`;
		expect(kinds.map((k) => [k.kind, k.user_agent])).toEqual([
			['viewed', 'Vitest Browser/1.0'],
			['code_sent', 'Vitest Browser/1.0']
		]);
	});
});

describe('signer contacts', () => {
	it('are shown to counsel and administrators, never to viewers or signatories', async () => {
		const w = await agreedMou(db.sql);
		smtp.setRefusing(true);
		try {
			await send(w);
		} finally {
			smtp.setRefusing(false);
		}
		const counsel = await loadSigningOverview(db.sql, w.agencyCounsel.user, w.mouId);
		expect(counsel?.current?.signers.map((s) => s.email)).toEqual([w.chief.email, w.superintendent.email]);
		expect(counsel?.current?.signers[0].delivery?.error).toMatch(/Mailbox unavailable/);
		expect(counsel?.current?.recipients[0].email).toMatch(/@copies\.example$/);
		for (const reader of [w.agencyViewer, w.chief]) {
			const overview = await loadSigningOverview(db.sql, reader.user, w.mouId);
			expect(overview?.current?.signers.map((s) => [s.name, s.email, s.delivery?.state, s.delivery?.error])).toEqual([
				['Marcus Reyes', null, 'retrying', null],
				['Thomas Okafor', null, undefined, undefined]
			]);
			expect(overview?.current?.recipients).toEqual([{ name: 'Board Secretary', email: null }]);
			expect(JSON.stringify(overview)).not.toContain('@');
		}
	});
});

describe('the status page data', () => {
	it('shows each signer’s progress and whether their email went out', async () => {
		const w = await agreedMou(db.sql);
		await send(w);
		const overview = await loadSigningOverview(db.sql, w.agencyCounsel.user, w.mouId);
		expect(overview?.current?.signers.map((s) => [s.status, s.delivery?.state ?? null])).toEqual([
			['sent', 'delivered'],
			['waiting', null]
		]);
		expect(overview?.prepareProblem).toMatch(/already out for signature/);
	});
});

export type { Person };
