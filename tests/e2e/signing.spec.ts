import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import type { RunningApp } from '../helpers/app';
import { agreedCopiesOfDemo, DEMO, startDemoApp, type Query } from '../helpers/demo';
import { signedInPage } from './fixtures';
import { firstLink, mailText, startSmtpServer, type ReceivedMail } from '../helpers/smtp';
import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { libreOfficeSignatures, withOneByteChanged } from '../helpers/libreoffice';
import { layoutOf, signatureBlock } from '../helpers/pdf-layout';
import { execFileSync } from 'node:child_process';

/**
 * The signing workflow end to end: the production server with the demo, sending its mail to an
 * SMTP server this file runs. Four copies of the demo MOU are made agreed through SQL before the
 * server (re)starts — the approval workflow is tested elsewhere — one per scenario.
 */

interface World {
	app: RunningApp;
	smtp: Awaited<ReturnType<typeof startSmtpServer>>;
	mous: { happy: string; decline: string; void: string; phone: string };
}

const test = base.extend<object, { world: World }>({
	world: [
		async ({}, use) => {
			const smtp = await startSmtpServer();
			const demo = await startDemoApp({ SMTP_URL: smtp.url }, agreeCopies);
			await use({ app: demo.app, smtp, mous: demo.prepared });
			await demo.stop();
			await smtp.close();
		},
		{ scope: 'worker', timeout: 180_000 }
	]
});

/** Four agreed copies of the demo MOU (same Yjs state, new ids), as the approval step would leave them. */
async function agreeCopies(query: Query): Promise<World['mous']> {
	const titles = ['signing', 'decline', 'void', 'phone'].map((label) => `Springfield SRO MOU (${label} test)`);
	const [happy, decline, voided, phone] = await agreedCopiesOfDemo(query, titles);
	return { happy, decline, void: voided, phone };
}

/** Waits for a new message to `to` whose raw text matches. */
async function mailTo(world: World, to: string, match: RegExp, after = 0): Promise<ReceivedMail> {
	const start = Date.now();
	while (Date.now() - start < 30_000) {
		const found = world.smtp.received.slice(after).find((m) => m.to.includes(to) && match.test(mailText(m.raw)));
		if (found) return found;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`No mail to ${to} matching ${match}`);
}

/** Counsel prepares and sends; returns the index in the SMTP log from which the links were sent. */
async function sendForSignature(world: World, browser: Browser, mouId: string, order: 'One after another' | 'Every signer at once') {
	const counsel = await signedInPage(browser, world.app, DEMO.agencyCounsel);
	await counsel.goto(`/mous/${mouId}/signing`);
	await counsel.getByRole('link', { name: 'Prepare for signature' }).click();
	await expect(counsel.getByRole('heading', { name: 'Prepare for signature', level: 1 })).toBeVisible();
	await counsel.locator('html[data-hydrated]').waitFor();
	// Prefilled from the parties' signatories, each chosen by their account (the name printed is the account's).
	const chief = counsel.getByRole('group', { name: 'Signer 1' }).getByLabel('Signer', { exact: true });
	await expect(chief).toHaveValue(DEMO.chief);
	await expect(chief.locator('option:checked')).toHaveText('Marcus Reyes');
	const superintendent = counsel.getByRole('group', { name: 'Signer 2' }).getByLabel('Signer', { exact: true });
	await expect(superintendent).toHaveValue(DEMO.superintendent);
	// Only signatories are offered: neither party's counsel or viewer can be named to sign.
	await expect(superintendent.locator('option')).toHaveText(['Choose a signatory of Springfield Unified School District', 'Thomas Okafor']);
	const shots = process.env.SIGNING_SCREENSHOTS;
	if (shots) await counsel.screenshot({ path: `${shots}/prepare.png`, fullPage: true });
	await counsel.getByLabel(new RegExp(order)).check();
	await counsel.getByRole('button', { name: 'Send for signature' }).click();
	await expect(counsel.getByRole('status').filter({ hasText: 'Sent for signature' })).toBeVisible();
	return counsel;
}

/** A signer opens their emailed link in their own browser, confirms the emailed code and consents. */
async function openAndConsent(world: World, browser: Browser, email: string, sinceMail: number, shots?: string) {
	const invitation = await mailTo(world, email, /asks you to sign/, sinceMail);
	const link = firstLink(invitation.raw, '/sign/');
	const context = await browser.newContext({ userAgent: `Playwright Chromium (${email})` });
	const page = await context.newPage();
	await page.goto(link);
	await page.locator('html[data-hydrated]').waitFor();
	await expect(page.getByRole('heading', { name: 'Confirm it is you' })).toBeFocused();
	const before = world.smtp.received.length;
	await page.getByRole('button', { name: 'Email me a code' }).click();
	const codeMail = await mailTo(world, email, /signing code/, before);
	const code = /for signature is (\d{6})/.exec(mailText(codeMail.raw))![1];
	await page.getByLabel('6-digit code').fill(code);
	if (shots) await page.screenshot({ path: `${shots}-code.png` });
	await page.getByRole('button', { name: 'Confirm' }).click();
	await expect(page.getByRole('heading', { name: 'Doing business electronically' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Paper copies' })).toBeVisible();
	if (shots) await page.screenshot({ path: `${shots}-consent.png`, fullPage: true });
	await page.getByLabel(/agree to receive and sign this agreement electronically/).check();
	await page.getByRole('button', { name: 'Agree and continue' }).click();
	await expect(page.getByRole('heading', { name: 'Read the agreement' })).toBeVisible();
	return page;
}

async function drawAndSign(page: Page, shots?: string) {
	// Every part of the agreed text is reachable from the contents, terms resolved.
	await expect(page.getByRole('navigation', { name: 'Parts of the agreement' }).getByRole('link', { name: 'Signatures' })).toBeVisible();
	await expect(page.locator('.agreement')).toContainText('Springfield Police Department');
	if (shots) await page.screenshot({ path: `${shots}-read.png`, fullPage: true });
	await page.getByLabel('Draw it').check();
	const box = (await page.getByLabel('Signature drawing box').boundingBox())!;
	await page.mouse.move(box.x + 20, box.y + box.height * 0.6);
	await page.mouse.down();
	for (let i = 1; i <= 30; i++) {
		await page.mouse.move(box.x + 20 + (i * (box.width - 40)) / 30, box.y + box.height * (0.5 + 0.25 * Math.sin(i / 2.5)));
	}
	await page.mouse.up();
	await expect(page.getByText('Signature drawn.')).toBeVisible();
	await page.getByLabel(/I adopt the signature shown as my own/).check();
	if (shots) await page.getByRole('heading', { name: 'Sign', exact: true }).scrollIntoViewIfNeeded();
	if (shots) await page.screenshot({ path: `${shots}-sign.png` });
	await page.getByRole('button', { name: 'Sign the agreement' }).click();
	await expect(page.getByRole('heading', { name: 'Signed', exact: true })).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: 'You have signed' })).toBeVisible();
}

test('counsel sends for signature; the chief and the superintendent each sign with a drawn signature; the certificate lists both', async ({
	browser,
	world
}) => {
	test.setTimeout(150_000); // the whole ceremony, then LibreOffice checks the signature
	const shots = process.env.SIGNING_SCREENSHOTS;
	const mouId = world.mous.happy;
	const sentFrom = world.smtp.received.length;
	const counsel = await sendForSignature(world, browser, mouId, 'One after another');
	await expect(counsel.getByRole('cell', { name: /Marcus Reyes/ })).toBeVisible();
	if (shots) await counsel.screenshot({ path: `${shots}/status-out.png`, fullPage: true });

	// One after another: the chief first.
	const chief = await openAndConsent(world, browser, DEMO.chief, sentFrom, shots ? `${shots}/chief` : undefined);
	await new AxeBuilder({ page: chief }).analyze().then((r) => expect(r.violations.map((v) => v.id)).toEqual([]));
	await drawAndSign(chief, shots ? `${shots}/chief` : undefined);

	const superintendent = await openAndConsent(world, browser, DEMO.superintendent, sentFrom);
	await drawAndSign(superintendent);
	// No dead end: the page signed on offers the signed MOU and its certificate once everyone has signed.
	const ownCopy = superintendent.getByRole('button', { name: 'Download the signed MOU (.docx)' });
	await expect(ownCopy).toBeVisible();
	const [download] = await Promise.all([superintendent.waitForEvent('download'), ownCopy.click()]);
	expect(download.suggestedFilename()).toMatch(/\.docx$/);
	await superintendent.getByRole('link', { name: 'View the certificate of completion' }).click();
	await expect(superintendent.getByRole('heading', { name: 'Certificate of completion' })).toBeVisible();
	await expect(superintendent.getByRole('button', { name: 'Download the signed MOU (.docx)' })).toBeVisible();
	await chief.reload();
	await expect(chief.getByRole('button', { name: 'Download the signed MOU (.docx)' })).toBeVisible();

	// The MOU is signed; the certificate lists both signers with their data.
	await counsel.reload();
	await expect(counsel.getByRole('heading', { name: 'Signed by every signer' })).toBeVisible();
	await expect(counsel.getByRole('button', { name: 'Download the signed MOU (.docx)' })).toBeVisible();
	await counsel.getByRole('link', { name: 'View the certificate of completion' }).click();
	await expect(counsel.getByRole('heading', { name: 'Certificate of completion' })).toBeVisible();
	for (const [name, email] of [
		['Marcus Reyes', DEMO.chief],
		['Thomas Okafor', DEMO.superintendent]
	]) {
		const card = counsel.getByRole('listitem', { name: `Signer: ${name}` });
		await expect(card).toContainText(email);
		await expect(card).toContainText('one-time code sent to');
		await expect(card).toContainText('127.0.0.1');
		await expect(card).toContainText(`Playwright Chromium (${email})`);
		await expect(card.getByRole('img', { name: `Signature of ${name} (drawn)` })).toBeVisible();
	}
	await expect(counsel.locator('code.hash')).toHaveText([/^[0-9a-f]{64}$/, /^[0-9a-f]{64}$/]);
	if (shots) await counsel.screenshot({ path: `${shots}/certificate.png`, fullPage: true });
	const completion = await mailTo(world, DEMO.districtCounsel, /Every signer has signed/, sentFrom);
	// The email gives the signed file's SHA-256 and the audit chain's head; the certificate the same SHA-256.
	const emailed = /what sha256sum prints for it\) is ([0-9a-f]{64})/.exec(mailText(completion.raw).replace(/\s+/g, ' '))?.[1];
	expect(emailed).toMatch(/^[0-9a-f]{64}$/);
	expect(mailText(completion.raw).replace(/\s+/g, ' ')).toMatch(/audit trail of this MOU stood at entry \d+, hash [0-9a-f]{64}/);
	await expect(counsel.locator('code.hash').nth(1)).toHaveText(emailed!);
	expect(firstLink(completion.raw, '/certificate')).toContain(`/mous/${mouId}/signing/certificate`);
	// The signed DOCX goes with the completion email; the copy downloaded from the MOU verifies as genuine.
	expect(completion.raw).toMatch(/filename="?[^"\r\n]*\.docx/);
	await counsel.goto(`/mous/${mouId}/export`);
	const [signedDocx] = await Promise.all([counsel.waitForEvent('download'), counsel.getByRole('button', { name: 'Download the signed MOU (.docx)' }).click()]);
	const checker = await (await browser.newContext({ baseURL: world.app.url })).newPage();
	await checker.goto('/verify');
	await checker.locator('html[data-hydrated]').waitFor();
	await checker.getByLabel(/Signed MOU \(\.docx\)/).setInputFiles((await signedDocx.path())!);
	await checker.getByRole('button', { name: 'Check the file' }).click();
	await expect(checker.getByRole('heading', { name: 'Verified: this is a signed MOU issued by MOU Studio' })).toBeVisible();
	await expect(checker.getByText('Marcus Reyes').first()).toBeVisible();
	// The audit table fits its card at desktop and phone widths: no sideways scrolling far below.
	for (const [width, height] of [
		[1366, 900],
		[390, 844]
	]) {
		await checker.setViewportSize({ width, height });
		const [table, wrap] = await checker.locator('table.events').evaluate((t) => [t.scrollWidth, t.parentElement!.clientWidth]);
		expect(table).toBeLessThanOrEqual(wrap);
		expect(await checker.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
		if (process.env.UX_SCREENSHOTS) await checker.screenshot({ path: `/work/notes/screens/ux/verify-${width}.png`, fullPage: true });
	}
	await expect(checker.getByRole('cell', { name: /[A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d{2} [AP]M C[SD]T$/ }).first()).toBeVisible();
	await expect(checker.getByText(/Digital signature: valid — signed by “MOU Studio at /)).toBeVisible();

	// The file is what the email and certificate name; LibreOffice finds its digital signature valid,
	// and broken once one byte of the document changes (which /verify then calls altered).
	const bytes = new Uint8Array(readFileSync((await signedDocx.path())!));
	expect(createHash('sha256').update(bytes).digest('hex')).toBe(emailed);
	const work = mkdtempSync(join(tmpdir(), 'mou-e2e-seal-'));
	try {
		const [issuedFile, changedFile] = [join(work, 'signed.docx'), join(work, 'changed.docx')];
		writeFileSync(issuedFile, bytes);
		writeFileSync(changedFile, withOneByteChanged(bytes, 'word/document.xml'));
		const verdicts = libreOfficeSignatures([issuedFile, changedFile]);
		expect(verdicts.get(issuedFile)).toEqual([expect.objectContaining({ valid: true })]);
		expect(verdicts.get(changedFile)).toEqual([expect.objectContaining({ valid: false })]);
		// Its signature page reads as executed: each signature in its block, no blank line left to sign.
		const { pdf, texts, images } = layoutOf(issuedFile, work);
		expect(texts.map((t) => t.text).join('\n')).not.toMatch(/By: _{5}|Date: _{5}|\[[A-Z][a-z][^\]]*\]/);
		for (const [name, party] of [
			['Marcus Reyes', 'Springfield Police Department'],
			['Thomas Okafor', 'Springfield Unified School District']
		]) {
			expect(signatureBlock(texts, images, `For ${party}`, name).problems).toEqual([]);
		}
		if (shots) {
			const page = texts.find((t) => t.text === 'For Springfield Police Department')!.page;
			execFileSync('pdftoppm', ['-png', '-r', '80', '-f', String(page), '-l', String(page), '-singlefile', pdf, `${shots}/ceremony-signature-page`]);
		}
		await checker.getByLabel(/Signed MOU \(\.docx\)/).setInputFiles(changedFile);
		await checker.getByRole('button', { name: 'Check the file' }).click();
		await expect(checker.getByRole('heading', { name: /but altered after signing/ })).toBeVisible();
		await expect(checker.getByText('word/document.xml', { exact: false })).toBeVisible();
		await new AxeBuilder({ page: checker }).analyze().then((r) => expect(r.violations.map((v) => v.id)).toEqual([]));
		if (shots) {
			await checker.setViewportSize({ width: 1366, height: 900 });
			await checker.screenshot({ path: `${shots}/verify-altered-1366.png`, fullPage: true });
			await checker.setViewportSize({ width: 390, height: 844 });
			await checker.screenshot({ path: `${shots}/verify-altered-390.png`, fullPage: true });
		}
	} finally {
		rmSync(work, { recursive: true, force: true });
	}

	await counsel.goto(`/mous/${mouId}`);
	await expect(counsel.getByText('Signed', { exact: true }).first()).toBeVisible();
	await counsel.goto(`/mous/${mouId}/signing/audit`);
	await expect(counsel.getByRole('status').filter({ hasText: 'Chain verified' })).toBeVisible();
	// One date format, in the district's zone (Chicago in the demo), on the audit trail as on the status page.
	await expect(counsel.getByRole('cell', { name: /expires [A-Z][a-z]+ \d{1,2}, \d{4} at 11:59 PM C[SD]T/ })).toBeVisible();
	await expect(counsel.getByRole('cell', { name: /expires \d{4}-\d{2}/ })).toHaveCount(0);
	await expect(counsel.getByRole('cell', { name: /^[A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d{2} [AP]M C[SD]T$/ }).first()).toBeVisible();
});

test('a signer declines with a reason; counsel of both parties are told and the request ends', async ({ browser, world }) => {
	const mouId = world.mous.decline;
	const sentFrom = world.smtp.received.length;
	const counsel = await sendForSignature(world, browser, mouId, 'Every signer at once');
	const chief = await openAndConsent(world, browser, DEMO.chief, sentFrom);
	await chief.getByText('Decline to sign').first().click();
	await chief.getByRole('button', { name: 'Decline to sign' }).click();
	await expect(chief.getByRole('alert')).toContainText('why you decline');
	await chief.getByLabel('Why do you decline?').fill('The council has not approved the cost share yet.');
	await chief.getByRole('button', { name: 'Decline to sign' }).click();
	await expect(chief.getByRole('heading', { name: 'Declined' })).toBeVisible();
	for (const email of [DEMO.agencyCounsel, DEMO.districtCounsel]) {
		const mail = await mailTo(world, email, /declined to sign/, sentFrom);
		expect(mailText(mail.raw)).toContain('The council has not approved the cost share yet.');
	}
	// The superintendent's link is dead now.
	const invitation = await mailTo(world, DEMO.superintendent, /asks you to sign/, sentFrom);
	const page = await (await browser.newContext()).newPage();
	await page.goto(firstLink(invitation.raw, '/sign/'));
	await expect(page.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();
	await counsel.reload();
	await expect(counsel.getByText('Reason: “The council has not approved the cost share yet.”').first()).toBeVisible();
	await expect(counsel.getByRole('link', { name: 'Prepare for signature' })).toBeVisible();
});

test('counsel voids the request with a reason; every signer is told and the links stop working', async ({ browser, world }) => {
	const mouId = world.mous.void;
	const sentFrom = world.smtp.received.length;
	const counsel = await sendForSignature(world, browser, mouId, 'Every signer at once');
	await counsel.locator('html[data-hydrated]').waitFor();
	await counsel.getByRole('button', { name: 'Void the request' }).click();
	await expect(counsel.getByText('Give the reason for voiding')).toBeVisible();
	await counsel.getByLabel('Reason').fill('The board moved its vote to March.');
	await counsel.getByRole('button', { name: 'Void the request' }).click();
	await expect(counsel.getByRole('status').filter({ hasText: 'voided' })).toBeVisible();
	for (const email of [DEMO.chief, DEMO.superintendent]) {
		const mail = await mailTo(world, email, /voided the signing request/, sentFrom);
		expect(mailText(mail.raw)).toContain('The board moved its vote to March.');
		const invitation = await mailTo(world, email, /asks you to sign/, sentFrom);
		const page = await (await browser.newContext()).newPage();
		await page.goto(firstLink(invitation.raw, '/sign/'));
		await expect(page.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();
		await expect(page.getByRole('status')).toContainText('withdrew');
	}
});

/** At phone width nothing scrolls sideways, and every control a finger needs is at least 44 px square. */
async function fitsPhone(page: Page, step: string) {
	expect(await page.evaluate(() => document.documentElement.scrollWidth), `${step}: no sideways scrolling`).toBeLessThanOrEqual(390);
	const small = await page.evaluate(() =>
		[
			...document.querySelectorAll(
				'main button, main a[href], main summary, main input:not([type=hidden]), main textarea, main select, main label:has(input[type=checkbox]), main label:has(input[type=radio])'
			)
		]
			.filter((el) => {
				const box = el.getBoundingClientRect();
				if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') return false;
				// A checkbox or radio inside its label is reached through the label; a link in running text is exempt (WCAG 2.5.8).
				if ((el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) || el.closest('.agreement, p')) return false;
				return box.height < 44 || box.width < 44;
			})
			.map(
				(el) =>
					`${el.tagName.toLowerCase()} “${(el.textContent || el.getAttribute('aria-label') || (el as HTMLInputElement).name || '').trim().slice(0, 40)}” ${Math.round(el.getBoundingClientRect().width)}×${Math.round(el.getBoundingClientRect().height)}`
			)
	);
	expect(small, `${step}: touch targets`).toEqual([]);
	await new AxeBuilder({ page }).analyze().then((r) => expect(r.violations.map((v) => `${step}: ${v.id}`)).toEqual([]));
	if (process.env.UX_SCREENSHOTS) await page.screenshot({ path: `/work/notes/screens/ux/phone-${step}.png`, fullPage: true });
}

/** A finger's tap on a checkbox, again if the page was still moving under it the first time. */
async function tapToCheck(box: ReturnType<Page['locator']>) {
	await expect(async () => {
		if (!(await box.isChecked())) await box.tap();
		await expect(box).toBeChecked({ timeout: 1000 });
	}).toPass({ timeout: 10_000 });
}

/** Presses Tab until the element has focus: the keyboard is the only way in. */
async function tabTo(page: Page, target: ReturnType<Page['locator']>, max = 60) {
	for (let i = 0; i < max; i++) {
		if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
		await page.keyboard.press('Tab');
	}
	throw new Error('not reachable by Tab');
}

/** A finger stroke across the box: real touch events, which Chromium turns into pointer events. */
async function fingerStroke(page: Page, box: { x: number; y: number; width: number; height: number }) {
	const cdp = await page.context().newCDPSession(page);
	const at = (i: number) => ({ x: box.x + 15 + (i * (box.width - 30)) / 20, y: box.y + box.height * (0.5 + 0.3 * Math.sin(i / 2)) });
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(0)] });
	for (let i = 1; i <= 20; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(i)] });
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

test('on a phone the chief signs with a finger; the superintendent signs with the keyboard alone', async ({ browser, world }) => {
	test.setTimeout(240_000);
	const mouId = world.mous.phone;
	const sentFrom = world.smtp.received.length;
	await sendForSignature(world, browser, mouId, 'One after another');

	// The chief, on a 390×844 touch screen.
	const link = firstLink((await mailTo(world, DEMO.chief, /asks you to sign/, sentFrom)).raw, '/sign/');
	const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })).newPage();
	await phone.goto(link);
	await phone.locator('html[data-hydrated]').waitFor();
	await fitsPhone(phone, 'code');
	let before = world.smtp.received.length;
	await phone.getByRole('button', { name: 'Email me a code' }).tap();
	let code = /for signature is (\d{6})/.exec(mailText((await mailTo(world, DEMO.chief, /signing code/, before)).raw))![1];
	await phone.getByLabel('6-digit code').fill(code);
	await fitsPhone(phone, 'code-sent');
	await phone.getByRole('button', { name: 'Confirm' }).tap();
	await expect(phone.getByRole('heading', { name: 'Doing business electronically' })).toBeVisible();
	await fitsPhone(phone, 'consent');
	await tapToCheck(phone.getByLabel(/agree to receive and sign this agreement electronically/));
	await phone.getByRole('button', { name: 'Agree and continue' }).tap();
	await expect(phone.getByRole('heading', { name: 'Read the agreement' })).toBeVisible();
	// The contents reach any part of the agreement.
	const contents = phone.getByRole('navigation', { name: 'Parts of the agreement' });
	await contents.getByRole('button', { name: /Contents/ }).tap();
	await contents.getByRole('link', { name: 'Signatures' }).tap();
	await expect(phone.locator('.agreement [id]').filter({ hasText: 'Signatures' }).first()).toBeInViewport();
	await fitsPhone(phone, 'read');
	// Decline is there, and big enough to hit.
	await phone.getByText('Decline to sign', { exact: true }).first().tap();
	await expect(phone.getByLabel('Why do you decline?')).toBeVisible();
	await fitsPhone(phone, 'decline');
	await phone.getByText('Decline to sign', { exact: true }).first().tap();
	await phone.getByLabel('Draw it').tap();
	const pad = phone.getByLabel('Signature drawing box');
	await pad.scrollIntoViewIfNeeded();
	await fingerStroke(phone, (await pad.boundingBox())!);
	await expect(phone.getByText('Signature drawn.')).toBeVisible();
	await tapToCheck(phone.getByLabel(/I adopt the signature shown as my own/));
	await fitsPhone(phone, 'sign');
	await phone.getByRole('button', { name: 'Sign the agreement' }).tap();
	await expect(phone.getByRole('heading', { name: 'Signed', exact: true })).toBeVisible();
	await fitsPhone(phone, 'signed');

	// The superintendent never touches the mouse.
	const keyLink = firstLink((await mailTo(world, DEMO.superintendent, /asks you to sign/, sentFrom)).raw, '/sign/');
	const keys = await (await browser.newContext()).newPage();
	await keys.goto(keyLink);
	await keys.locator('html[data-hydrated]').waitFor();
	await tabTo(keys, keys.getByRole('button', { name: 'Email me a code' }));
	before = world.smtp.received.length;
	await keys.keyboard.press('Enter');
	code = /for signature is (\d{6})/.exec(mailText((await mailTo(world, DEMO.superintendent, /signing code/, before)).raw))![1];
	await tabTo(keys, keys.getByLabel('6-digit code'));
	await keys.keyboard.type(code);
	await keys.keyboard.press('Enter');
	await expect(keys.getByRole('heading', { name: 'Doing business electronically' })).toBeFocused();
	await tabTo(keys, keys.getByLabel(/agree to receive and sign this agreement electronically/));
	await keys.keyboard.press('Space');
	await tabTo(keys, keys.getByRole('button', { name: 'Agree and continue' }));
	await keys.keyboard.press('Enter');
	await expect(keys.getByRole('heading', { name: 'Read the agreement' })).toBeFocused();
	await tabTo(keys, keys.getByRole('link', { name: 'Signatures' }), 120);
	await keys.keyboard.press('Enter');
	await tabTo(keys, keys.getByLabel('Your name as your signature'), 200);
	await expect(keys.getByLabel('Your name as your signature')).toHaveValue('Thomas Okafor');
	await tabTo(keys, keys.getByLabel(/I adopt the signature shown as my own/));
	await keys.keyboard.press('Space');
	await tabTo(keys, keys.getByRole('button', { name: 'Sign the agreement' }));
	await keys.keyboard.press('Enter');
	await expect(keys.getByRole('heading', { name: 'Signed', exact: true })).toBeFocused();
	await expect(keys.getByRole('button', { name: 'Download the signed MOU (.docx)' })).toBeVisible();
});
