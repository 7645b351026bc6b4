import { test, expect, type Browser } from '@playwright/test';
import type { RunningApp } from '../helpers/app';
import { DEMO } from '../helpers/demo';
import { expectNoAxeViolations, ownDemo, signedInPage, SIGNED_DEMO_MOU } from './fixtures';

/**
 * The administrators' upcoming reminders: every kind (the review, the end of the term, the
 * non-renewal notice deadline), a table on a wide screen and a list of cards on a phone, with no
 * sideways scrolling. The demo MOU is made signed (review due in 20 days; its term ends 2028-07-31).
 */
const SHOTS = '/work/notes/screens/states';
let app: RunningApp;
ownDemo((own) => (app = own), SIGNED_DEMO_MOU);

async function adminPage(browser: Browser) {
	const page = await signedInPage(browser, app, DEMO.districtCounsel);
	await page.goto('/reminders/upcoming');
	return page;
}

test('every kind of reminder is listed: the review, the end of the term and the non-renewal notice deadline', async ({ browser }) => {
	const page = await adminPage(browser);
	await page.setViewportSize({ width: 1366, height: 900 });
	const table = page.getByRole('table', { name: 'Upcoming reminders' });
	await expect(table).toContainText('Review due');
	await expect(table).toContainText('Term ends 2028-07-31');
	await expect(table).toContainText('Non-renewal notice by');
	await expect(table).toContainText('days before the term ends');
	await page.screenshot({ path: `${SHOTS}/upcoming-reminders-1366.png`, fullPage: true });
	await expectNoAxeViolations(page);
});

test('on a phone the reminders are a list of cards, with no sideways scrolling', async ({ browser }) => {
	const page = await adminPage(browser);
	await page.setViewportSize({ width: 390, height: 844 });
	await expect(page.getByRole('table', { name: 'Upcoming reminders' })).toBeHidden();
	const list = page.getByRole('list', { name: 'Upcoming reminders' });
	await expect(list).toBeVisible();
	await expect(list.getByRole('listitem').first()).toBeVisible();
	await expect(list).toContainText('Term ends 2028-07-31');
	await expect(list).toContainText('Non-renewal notice by');
	await expect(list).toContainText('Review due');
	expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
	await page.screenshot({ path: `${SHOTS}/upcoming-reminders-390.png`, fullPage: true });
	await expectNoAxeViolations(page);
});
