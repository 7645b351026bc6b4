import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import type { RunningApp } from '../helpers/app';
import { agreedCopiesOfDemo, DEMO, startDemoApp } from '../helpers/demo';
import { signedInPage } from './fixtures';

/**
 * Who signs, as people now do it: counsel chooses each party's signer from its signatories (no
 * name to type, no viewer or counsel offered), each signer signs from their own dashboard in their
 * own browser and reads the name and title they sign under; a viewer reads the certificate without
 * anyone's address, IP address or browser. One browser context per person.
 */

const SHOTS = '/work/notes/screens/signers';
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

const test = base.extend<object, { world: { app: RunningApp; mouId: string } }>({
	world: [
		async ({}, use) => {
			const demo = await startDemoApp({}, (query) => agreedCopiesOfDemo(query, ['Springfield SRO MOU (signers test)']));
			await use({ app: demo.app, mouId: demo.prepared[0] });
			await demo.stop();
		},
		{ scope: 'worker', timeout: 180_000 }
	]
});

async function noAxeViolations(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

/** Desktop and phone screenshots of the page as it is, each checked with axe and for sideways scrolling. */
async function shoot(page: Page, name: string, focus?: string) {
	for (const [label, size] of [
		['1366', DESKTOP],
		['390', PHONE]
	] as const) {
		await page.setViewportSize(size);
		if (focus) await page.locator(focus).first().scrollIntoViewIfNeeded();
		expect(await page.evaluate(() => document.scrollingElement!.scrollWidth), `${name} at ${label}`).toBeLessThanOrEqual(size.width);
		await page.screenshot({ path: `${SHOTS}/${name}-${label}.png`, fullPage: !focus });
		await noAxeViolations(page);
	}
	await page.setViewportSize(DESKTOP);
}

async function signFromDashboard(page: Page, mouTitle: string, expected: string) {
	await page.goto('/mous');
	await page.getByRole('button', { name: `Sign now: ${mouTitle}` }).click();
	await expect(page.getByRole('heading', { name: 'Doing business electronically' })).toBeVisible();
	await page.getByLabel(/agree to receive and sign this agreement electronically/).check();
	await page.getByRole('button', { name: 'Agree and continue' }).click();
	await expect(page.getByRole('heading', { name: 'Read the agreement' })).toBeVisible();
	// The signer reads whom they sign as: their account's name, the title counsel gave, the capacity.
	await expect(page.locator('.signing-as')).toContainText(expected);
}

async function typeAndSign(page: Page) {
	await page.getByLabel('Type it').check();
	await page.getByLabel(/I adopt the signature shown as my own/).check();
	await page.getByRole('button', { name: 'Sign the agreement' }).click();
	await expect(page.getByRole('heading', { name: 'Signed', exact: true })).toBeVisible();
}

test('counsel chooses each signer from the party’s signatories; each signs under their account’s name; a viewer’s certificate has no contacts', async ({
	browser,
	world
}) => {
	test.setTimeout(240_000);
	const title = 'Springfield SRO MOU (signers test)';
	const counsel = await signedInPage(browser, world.app, DEMO.agencyCounsel, { viewport: DESKTOP });
	await counsel.goto(`/mous/${world.mouId}/signing/prepare`);
	await counsel.locator('html[data-hydrated]').waitFor();

	const row = (n: number) => counsel.getByRole('group', { name: `Signer ${n}` });
	const signer = (n: number) => row(n).getByLabel('Signer', { exact: true });
	await expect(signer(1)).toHaveValue(DEMO.chief);
	await expect(signer(2)).toHaveValue(DEMO.superintendent);
	// No name field: the name is the account's.
	await expect(counsel.locator('input[name$=".name"]')).toHaveCount(0);
	await expect(row(1)).toContainText(`Their signing link goes to ${DEMO.chief}; they sign under their account’s name.`);
	await shoot(counsel, 'prepare');

	// A signer added for the district is chosen among the district's signatories only; for the agency, among the agency's.
	await counsel.getByRole('button', { name: 'Add a signer' }).click();
	await expect(row(3).getByLabel('Signs for')).toBeFocused();
	await expect(signer(3).locator('option')).toHaveText(['Choose a signatory of Springfield Unified School District', 'Thomas Okafor']);
	await row(3).getByLabel('Signs for').selectOption('agency');
	await expect(signer(3).locator('option')).toHaveText(['Choose a signatory of Springfield Police Department', 'Marcus Reyes']);
	// Chosen twice, the chief is refused beside the field, and the form comes back as it was.
	await signer(3).selectOption(DEMO.chief);
	await expect(row(3).getByLabel('Title')).toHaveValue('Chief of Police');
	await row(3).getByLabel('Title').fill('Acting Chief');
	await counsel.getByRole('button', { name: 'Send for signature' }).click();
	await expect(row(3).locator('.field-error')).toHaveText(`${DEMO.chief} is already listed as signer 1: each person signs once.`);
	await expect(row(3).getByLabel('Title')).toHaveValue('Acting Chief');
	await shoot(counsel, 'prepare-refused', '[role="group"][aria-label="Signer 3"]');
	await row(3)
		.getByRole('button', { name: /Remove signer 3, Marcus Reyes/ })
		.click();

	await counsel.getByLabel(/One after another/).check();
	await counsel.getByRole('button', { name: 'Send for signature' }).click();
	await expect(counsel.getByRole('status').filter({ hasText: 'Sent for signature' })).toBeVisible();

	const chief = await signedInPage(browser, world.app, DEMO.chief, { viewport: DESKTOP });
	await signFromDashboard(chief, title, 'You sign as Marcus Reyes, Chief of Police, for Springfield Police Department, in the capacity of agency head.');
	await shoot(chief, 'sign-as', '#sign-heading');
	await typeAndSign(chief);

	const superintendent = await signedInPage(browser, world.app, DEMO.superintendent, { viewport: DESKTOP });
	await signFromDashboard(
		superintendent,
		title,
		'You sign as Thomas Okafor, Superintendent, for Springfield Unified School District, in the capacity of district superintendent.'
	);
	await typeAndSign(superintendent);

	// A viewer reads the certificate, without anyone's address, IP address or browser.
	const viewer = await signedInPage(browser, world.app, DEMO.agencyViewer, { viewport: DESKTOP });
	await viewer.goto(`/mous/${world.mouId}/signing/certificate`);
	await expect(viewer.getByRole('heading', { name: 'Certificate of completion', level: 1 })).toBeVisible();
	await expect(viewer.getByText('Signers’ email addresses, IP addresses and browsers are shown to counsel and administrators only.')).toBeVisible();
	await expect(viewer.getByRole('heading', { name: /Marcus Reyes/ })).toBeVisible();
	const text = await viewer.locator('main').innerText();
	expect(text).not.toMatch(/[a-z]+@springfield-(pd|usd)\.example/);
	await expect(viewer.getByRole('columnheader', { name: 'IP address' })).toHaveCount(0);
	await shoot(viewer, 'certificate-viewer');
	// Counsel reads them all.
	await counsel.goto(`/mous/${world.mouId}/signing/certificate`);
	await expect(counsel.locator('main')).toContainText(DEMO.chief);
	await expect(counsel.getByRole('columnheader', { name: 'IP address' })).toBeVisible();
});
