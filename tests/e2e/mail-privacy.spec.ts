import { test as base, expect, type Page } from '@playwright/test';
import type { RunningApp } from '../helpers/app';
import { agreedCopiesOfDemo, DEMO, startDemoApp, type Query } from '../helpers/demo';
import { expectNoAxeViolations, signedInPage } from './fixtures';

/**
 * Signing mail is private to its recipient, in the README's demo as it runs (no SMTP_URL): each
 * person reads their own mail in their Inbox; the counsel who prepared the request sees only
 * delivery status; the chief signs from the dashboard without anyone forwarding a link. Every
 * person has their own browser context, as on their own computer.
 */

const test = base.extend<object, { world: { app: RunningApp; mouId: string } }>({
	world: [
		async ({}, use) => {
			const demo = await startDemoApp({}, agreedCopy);
			await use({ app: demo.app, mouId: demo.prepared });
			await demo.stop();
		},
		{ scope: 'worker', timeout: 180_000 }
	]
});

/** A copy of the demo MOU with its text agreed, as the approval step would leave it. */
async function agreedCopy(query: Query): Promise<string> {
	const [id] = await agreedCopiesOfDemo(query, ['Springfield SRO MOU (private mail test)']);
	return id;
}

const shots = process.env.ACCOUNT_SCREENSHOTS;

async function shoot(page: Page, name: string) {
	if (!shots) return;
	for (const [w, h] of [
		[1366, 900],
		[390, 844]
	]) {
		await page.setViewportSize({ width: w, height: h });
		await page.screenshot({ path: `${shots}/${name}-${w}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 1280, height: 720 });
}

/** Everything counsel can reach about mail and signing, as text. */
async function everythingCounselSees(counsel: Page, mouId: string) {
	let text = '';
	for (const path of ['/outbox', '/inbox', `/mous/${mouId}/signing`, `/mous/${mouId}/signing/audit`, '/mous']) {
		await counsel.goto(path);
		text += `${path}\n${await counsel.content()}\n`;
	}
	return text;
}

test('the chief’s signing link and code are the chief’s alone; the chief signs from the dashboard', async ({ browser, world }) => {
	test.setTimeout(120_000);
	const { mouId } = world;
	const counsel = await signedInPage(browser, world.app, DEMO.agencyCounsel);
	await counsel.goto(`/mous/${mouId}/signing/prepare`);
	await counsel.locator('html[data-hydrated]').waitFor();
	await expect(counsel.locator('select[name="signers.0.email"]')).toHaveValue(DEMO.chief);
	await counsel.getByLabel(/One after another/).check();
	await counsel.getByRole('button', { name: 'Send for signature' }).click();
	await expect(counsel.getByRole('status').filter({ hasText: 'Sent for signature' })).toBeVisible();

	// The chief reads the request in their own Inbox and asks for a code from the link in it.
	const chief = await signedInPage(browser, world.app, DEMO.chief);
	await chief.goto('/inbox');
	await chief.getByRole('link', { name: /^Please sign:/ }).click();
	const invitationUrl = chief.url();
	await expect(chief.getByRole('heading', { name: /^Please sign:/ })).toBeVisible();
	await shoot(chief, 'inbox-message');
	await expectNoAxeViolations(chief);
	const signLink = (await chief.locator('a[href*="/sign/"]').first().getAttribute('href'))!;
	await chief.goto(signLink);
	await chief.locator('html[data-hydrated]').waitFor();
	await chief.getByRole('button', { name: 'Email me a code' }).click();
	await expect(chief.getByRole('status').filter({ hasText: 'Code sent' })).toBeVisible();
	await chief.goto('/inbox');
	await expect(chief.getByRole('link', { name: 'Your MOU Studio signing code', exact: true })).toBeVisible();
	await shoot(chief, 'inbox');
	await expectNoAxeViolations(chief);
	await chief.getByRole('link', { name: 'Your MOU Studio signing code', exact: true }).click();
	const codeUrl = chief.url();
	const code = /for signature is (\d{6})/.exec(await chief.locator('pre.mail').innerText())![1];

	// Counsel, who prepared the request and administers the agency, sees that the mail went, not what it says.
	await counsel.goto('/outbox');
	const toChief = counsel.getByRole('row').filter({ hasText: DEMO.chief });
	await expect(toChief.filter({ hasText: /Please sign:/ })).toBeVisible();
	await expect(toChief.filter({ hasText: 'Your MOU Studio signing code' })).toContainText('In their Inbox');
	await shoot(counsel, 'outbox');
	await expectNoAxeViolations(counsel);
	const seen = await everythingCounselSees(counsel, mouId);
	expect(seen).not.toContain(code);
	expect(seen).not.toContain(signLink.replace(/^https?:\/\/[^/]+/, ''));
	expect(seen).not.toMatch(/\/sign\/[a-z0-9]{20,}/);
	for (const url of [invitationUrl, codeUrl]) {
		const id = url.split('/').pop()!;
		expect((await counsel.goto(`/inbox/${id}`))!.status()).toBe(404);
		expect((await counsel.goto(`/outbox/${id}`))!.status()).toBe(404);
	}

	// The chief needs neither: the dashboard has the pending signature.
	await chief.goto('/mous');
	await expect(chief.getByRole('heading', { name: 'Waiting for your signature' })).toBeVisible();
	await shoot(chief, 'dashboard-sign-now');
	await expectNoAxeViolations(chief);
	await chief.getByRole('button', { name: /Sign now/ }).click();
	await expect(chief.getByRole('heading', { name: 'Doing business electronically' })).toBeVisible();
	await chief.getByLabel(/agree to receive and sign this agreement electronically/).check();
	await chief.getByRole('button', { name: 'Agree and continue' }).click();
	await expect(chief.getByRole('heading', { name: 'Read the agreement' })).toBeVisible();
	await chief.getByLabel('Type it').check();
	await chief.getByLabel('Your name as your signature').fill('Marcus Reyes');
	await chief.getByLabel(/I adopt the signature shown as my own/).check();
	await chief.getByRole('button', { name: 'Sign the agreement' }).click();
	await expect(chief.getByRole('status').filter({ hasText: 'You have signed' })).toBeVisible();
	await chief.goto('/mous');
	await expect(chief.getByRole('heading', { name: 'Waiting for your signature' })).toHaveCount(0);

	// The audit trail says how the chief proved it was them: their confirmed account, no code.
	await counsel.goto(`/mous/${mouId}/signing/audit`);
	await expect(counsel.getByText(/account/i).first()).toBeVisible();
	await counsel.goto(`/mous/${mouId}/signing`);
	await expect(counsel.getByText('Marcus Reyes').first()).toBeVisible();
});

test('a new account confirms its address, manages its password; an administrator manages members', async ({ browser, world }) => {
	test.setTimeout(120_000);
	const context = await browser.newContext({ baseURL: world.app.url });
	const page = await context.newPage();
	await page.goto('/signup');
	await page.locator('html[data-hydrated]').waitFor();
	await page.getByLabel('Your full name').fill('Nora Newcomer');
	await page.getByLabel('Work email').fill('nora@shelbyville-usd.example');
	await page.getByLabel('Password').fill('a long enough passphrase');
	await page.getByLabel('A school district').check();
	await page.getByLabel('Organization name').fill('Shelbyville Unified School District');
	await page.getByRole('button', { name: 'Create account' }).click();
	await page.waitForURL('**/mous');
	await expect(page.getByRole('status').filter({ hasText: 'Confirm your email address.' })).toBeVisible();
	await shoot(page, 'unconfirmed-dashboard');
	await expectNoAxeViolations(page);

	await page.goto('/account');
	await expect(page.getByText('not confirmed yet')).toBeVisible();
	await shoot(page, 'account-unconfirmed');
	await expectNoAxeViolations(page);
	await page.goto('/inbox');
	await page.getByRole('link', { name: 'Confirm your email address for MOU Studio' }).click();
	await page.goto((await page.locator('a[href*="/account/verify/"]').first().getAttribute('href'))!);
	await expect(page.getByRole('button', { name: 'Confirm my address' })).toBeVisible();
	await shoot(page, 'verify');
	await expectNoAxeViolations(page);
	await page.getByRole('button', { name: 'Confirm my address' }).click();
	await expect(page.getByRole('status')).toContainText('nora@shelbyville-usd.example is confirmed');
	await page.goto('/account');
	await expect(page.getByText('confirmed', { exact: true })).toBeVisible();
	await page.getByLabel('Current password', { exact: true }).fill('wrong password here');
	await page.getByLabel('New password').fill('another long passphrase');
	await page.getByRole('button', { name: 'Change password' }).click();
	await expect(page.getByText('That is not your current password.')).toBeVisible();
	await shoot(page, 'account');
	await expectNoAxeViolations(page);

	const stranger = await (await browser.newContext({ baseURL: world.app.url })).newPage();
	await stranger.goto('/login');
	await stranger.getByRole('link', { name: 'Forgot your password?' }).click();
	await stranger.locator('html[data-hydrated]').waitFor();
	await shoot(stranger, 'forgot');
	await expectNoAxeViolations(stranger);
	await stranger.getByLabel('Email').fill('nora@shelbyville-usd.example');
	await stranger.getByRole('button', { name: 'Email me a link' }).click();
	await expect(stranger.getByRole('status')).toContainText('If an account uses that address');
	// Without a mail server the link is in Nora's own Inbox (nobody else's); she is signed in here.
	await page.goto('/inbox');
	await page.getByRole('link', { name: 'Reset your MOU Studio password' }).click();
	await stranger.goto((await page.locator('a[href*="/account/reset/"]').first().getAttribute('href'))!);
	await shoot(stranger, 'reset');
	await expectNoAxeViolations(stranger);
	await stranger.getByLabel('New password').fill('a reset passphrase here');
	await stranger.getByRole('button', { name: 'Save the new password' }).click();
	await stranger.waitForURL('**/login?reset=done');
	// The reset ended every session: Nora's other browser is signed out.
	await page.goto('/mous');
	await expect(page).toHaveURL(/\/login/);

	const admin = await signedInPage(browser, world.app, DEMO.districtCounsel);
	await admin.goto('/org/members');
	await expect(admin.getByRole('heading', { name: 'Members', level: 1 })).toBeVisible();
	await shoot(admin, 'members');
	await expectNoAxeViolations(admin);
	const viewer = admin.getByRole('listitem').filter({ hasText: DEMO.districtViewer });
	await viewer.getByLabel('Role', { exact: true }).selectOption('signatory');
	await viewer.getByRole('button', { name: /Save the role/ }).click();
	await expect(admin.getByRole('status')).toContainText('role');
	await expect(admin.getByRole('listitem').filter({ hasText: DEMO.districtViewer }).getByLabel('Role', { exact: true })).toHaveValue('signatory');
});
