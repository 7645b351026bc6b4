import { test, expect, type Browser, type Page } from '@playwright/test';
import type { RunningApp } from '../helpers/app';
import { DEMO } from '../helpers/demo';
import { expectNoAxeViolations, ownDemoWithMail, signedInPage, SIGNED_DEMO_MOU, type Smtp } from './fixtures';
import { firstLink } from '../helpers/smtp';

/**
 * The public page of a signed MOU, read by someone with no account, and a public comment that
 * reaches counsel after the commenter confirms it and the district accepts it. The demo MOU is
 * made signed in the database (due for review in 20 days, so comments are open), with an issued
 * DOCX fingerprint and an internal comment that must never show.
 */
const SHOTS = '/work/notes/screens/state';
const DOCX_SHA = 'a'.repeat(16) + 'b'.repeat(16) + 'c'.repeat(16) + 'd'.repeat(16);
const SIGN_DEMO = [
	...SIGNED_DEMO_MOU,
	`insert into signed_documents (mou_id, version_id, sha256, bytes, filename, certificate)
	select m.id, v.id, '${DOCX_SHA}', '\\x00', 'signed.docx', '{}'::jsonb from mous m join mou_versions v on v.mou_id = m.id where m.title like '%2027–28'`,
	`insert into mou_comments (mou_id, author_id, party, visibility, body)
	select m.id, m.created_by, 'agency', 'internal', 'INTERNAL NOTE: hold firm on the cost share' from mous m where m.title like '%2027–28'`
];

let app: RunningApp;
let smtp: Smtp;
// A mail server, so the commenter's confirmation reaches their own mailbox (nobody reads it in the app).
ownDemoWithMail((own, mail) => {
	app = own;
	smtp = mail;
}, SIGN_DEMO);

async function demoMouUrl(page: Page) {
	const href = await page
		.getByRole('link', { name: /SRO MOU, 2027–28/ })
		.first()
		.getAttribute('href');
	return href!;
}

/** The public address of the demo MOU, publishing it first if it is not yet. */
async function publicPathOf(district: Page, mou: string): Promise<string> {
	await district.goto(`${mou}/public`);
	const publish = district.getByRole('button', { name: 'Publish the signed MOU' });
	if (await publish.isVisible()) await publish.click();
	const link = district.getByRole('link', { name: /^\/p\// });
	await expect(link).toBeVisible();
	return (await link.getAttribute('href'))!;
}

async function anonymous(browser: Browser) {
	const context = await browser.newContext({ baseURL: app.url });
	return context.newPage();
}

test('the district publishes the signed MOU; anyone reads it without signing in, and sees nothing internal', async ({ browser }) => {
	const district = await signedInPage(browser, app, DEMO.districtCounsel);
	const mou = await demoMouUrl(district);
	await district.goto(`${mou}/public`);
	await district.getByRole('button', { name: 'Publish the signed MOU' }).click();
	const link = district.getByRole('link', { name: /^\/p\// });
	await expect(link).toBeVisible();
	const publicPath = (await link.getAttribute('href'))!;
	await district.setViewportSize({ width: 1366, height: 900 });
	await district.screenshot({ path: `${SHOTS}/public-manage-1366.png`, fullPage: true });
	await district.setViewportSize({ width: 390, height: 844 });
	await district.screenshot({ path: `${SHOTS}/public-manage-390.png`, fullPage: true });
	await expectNoAxeViolations(district);

	const visitor = await anonymous(browser);
	await visitor.goto(publicPath);
	await expect(visitor.getByRole('heading', { level: 1 })).toContainText('SRO MOU, 2027–28');
	await expect(visitor.locator('.facts')).toContainText(DOCX_SHA);
	await expect(visitor.getByRole('link', { name: '/verify' })).toHaveAttribute('href', '/verify');
	await expect(visitor.locator('.agreement')).toContainText('will not issue any ticket, citation or notice to appear');
	await expect(visitor.locator('.agreement')).toContainText('Springfield Police Department');
	const text = await visitor.locator('body').innerText();
	expect(text).not.toContain('INTERNAL NOTE');
	expect(text).not.toMatch(/@springfield-(pd|usd)\.example/);
	expect(text).not.toMatch(/Sign out|Outbox/);
	await visitor.setViewportSize({ width: 1366, height: 900 });
	await visitor.screenshot({ path: `${SHOTS}/public-page-1366.png` });
	await visitor.setViewportSize({ width: 390, height: 844 });
	await visitor.screenshot({ path: `${SHOTS}/public-page-390.png` });
	await expectNoAxeViolations(visitor);
});

test('a public comment reaches counsel of both parties after the commenter confirms it and the district accepts it', async ({ browser }) => {
	const district = await signedInPage(browser, app, DEMO.districtCounsel);
	const mou = await demoMouUrl(district);
	const publicPath = await publicPathOf(district, mou);

	const visitor = await anonymous(browser);
	await visitor.goto(publicPath);
	await visitor.locator('html[data-hydrated]').waitFor();
	await visitor.getByLabel(/Your name/).fill('Ana Parent');
	await visitor.getByLabel(/Email/).fill('ana.parent@example.org');
	await visitor.getByRole('textbox', { name: /^Comment/ }).fill('Please publish how parents are told before a student is questioned at school.');
	await visitor.getByRole('button', { name: 'Send comment' }).click();
	await expect(visitor.getByRole('status')).toContainText('Check ana.parent@example.org');

	// The confirmation goes to the commenter's mailbox; the district's Outbox shows only that it went.
	const confirmLink = firstLink((await smtp.waitFor('ana.parent@example.org')).raw, '/confirm/');
	await district.goto('/outbox');
	await expect(district.getByRole('row').filter({ hasText: 'ana.parent@example.org' })).toContainText('Delivered');
	await expect(district.locator('main')).not.toContainText('/confirm/');

	// Before confirming, there is nothing to moderate.
	await district.goto(`${mou}/public`);
	await expect(district.getByText('No confirmed comments yet.')).toBeVisible();

	await visitor.goto(new URL(confirmLink).pathname);
	await visitor.setViewportSize({ width: 390, height: 844 });
	await visitor.screenshot({ path: `${SHOTS}/confirm-comment-390.png` });
	await expectNoAxeViolations(visitor);
	await visitor.getByRole('button', { name: 'Confirm my comment' }).click();
	await expect(visitor.getByRole('status')).toContainText('Confirmed');

	await district.reload();
	await expect(district.locator('.comments')).toContainText('Please publish how parents are told');
	await district.getByRole('button', { name: 'Accept the comment from Ana Parent' }).click();
	await expect(district.locator('.comments')).toContainText('Accepted');

	const agency = await signedInPage(browser, app, DEMO.agencyCounsel);
	await agency.goto(`${mou}/review`);
	const record = agency.getByRole('region', { name: 'Review record' });
	await expect(record).toContainText('1 accepted public comment');
	await expect(record).toContainText('Please publish how parents are told before a student is questioned at school.');
	await agency.setViewportSize({ width: 1366, height: 900 });
	await record.screenshot({ path: `${SHOTS}/review-record-1366.png` });
	await agency.setViewportSize({ width: 390, height: 844 });
	await agency.screenshot({ path: `${SHOTS}/review-record-390.png`, fullPage: true });
	await expectNoAxeViolations(agency);
});

test('administrators see the upcoming reminders: who, which MOU, which due point, when in their zone', async ({ browser }) => {
	const admin = await signedInPage(browser, app, DEMO.districtCounsel);
	await admin.goto('/reminders');
	await admin.getByRole('link', { name: 'Upcoming reminders' }).click();
	const table = admin.getByRole('table', { name: 'Upcoming reminders' });
	await expect(table).toContainText('SRO MOU, 2027–28');
	await expect(table).toContainText('14 days before');
	await expect(table).toContainText('Thomas Okafor');
	await expect(table).toContainText('America/Chicago');
	await admin.setViewportSize({ width: 1366, height: 900 });
	await admin.screenshot({ path: `${SHOTS}/upcoming-reminders-1366.png`, fullPage: true });
	await admin.setViewportSize({ width: 390, height: 844 });
	await admin.screenshot({ path: `${SHOTS}/upcoming-reminders-390.png`, fullPage: true });
	await expectNoAxeViolations(admin);
	// Everyone else is refused.
	const signatory = await signedInPage(browser, app, DEMO.superintendent);
	const response = await signatory.goto('/reminders/upcoming');
	expect(response?.status()).toBe(403);
});
