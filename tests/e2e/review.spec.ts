import { test, expect, type Browser } from '@playwright/test';
import type { RunningApp } from '../helpers/app';
import { DEMO } from '../helpers/demo';
import { DISTRICT_TODAY, expectNoAxeViolations, ownDemo, signedInPage, SIGNED_DEMO_MOU } from './fixtures';

/**
 * The review cycle in the browser. The demo MOU is made signed in the database (as signing leaves
 * it), with the server stopped so that the embedded database has one owner; then it restarts.
 */
let app: RunningApp;

/** Signs the negotiated demo MOU (review due in 20 days) and adds a second signed MOU (due in 10). */
const SIGN_DEMO = [
	...SIGNED_DEMO_MOU,
	`with m as (
		insert into mous (title, status, template_id, template_version, created_by, effective_date, review_interval_months, review_due_on, signed_at)
		select 'Athletics coverage MOU', 'signed', template_id, template_version, created_by, ${DISTRICT_TODAY} - 355, 12, ${DISTRICT_TODAY} + 10, now() - interval '355 days'
		from mous where title like '%2027–28' returning id)
	insert into mou_parties (mou_id, organization_id, side)
	select m.id, p.organization_id, p.side from m, mou_parties p join mous x on x.id = p.mou_id where x.title like '%2027–28'`
];

ownDemo((own) => (app = own), SIGN_DEMO);

const signIn = (browser: Browser, email: string) => signedInPage(browser, app, email);

test('the dashboard shows each review date, most urgent first, in words', async ({ browser }) => {
	const page = await signIn(browser, DEMO.districtCounsel);
	const rows = page.getByRole('table', { name: 'MOUs' }).getByRole('row');
	await expect(rows.nth(1)).toContainText('Athletics coverage MOU');
	await expect(rows.nth(1)).toContainText('Due in 10 days');
	await expect(rows.nth(2)).toContainText('Due in 20 days');
	await expectNoAxeViolations(page);
});

test('counsel starts the annual review from the signed MOU', async ({ browser }) => {
	const page = await signIn(browser, DEMO.districtCounsel);
	// By its address: a click can race the post-sign-in navigation.
	const mouUrl = app.url + (await page.getByRole('link', { name: /SRO MOU, 2027–28$/ }).getAttribute('href'));
	await page.goto(`${mouUrl}/review`);
	await expect(page.getByRole('heading', { name: 'Periodic review' })).toBeVisible();
	await expect(page.getByText('Due in 20 days')).toBeVisible();
	await expectNoAxeViolations(page);
	await page.getByRole('button', { name: /^Start the \d{4} review$/ }).click();
	await page.waitForURL((url) => url.pathname !== new URL(mouUrl).pathname && /\/mous\/[0-9a-f-]{36}$/.test(url.pathname));
	await expect(page.getByRole('heading', { name: /SRO MOU, 2027–28 — \d{4} review/ })).toBeVisible();
	await expect(page.locator('.ProseMirror')).toBeVisible();

	// The review is negotiated with the same redline tools; compare defaults to the signed MOU.
	const proposal = ' The district proposes a second officer at the high school.';
	// Into an open clause: the document ends in signature blocks, which are not typed into.
	await page.locator('.ProseMirror section.clause[data-locked="false"] .clause-body p').first().click();
	await page.keyboard.press('End');
	await page.keyboard.type(proposal);
	await expect(page.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved');
	const reviewUrl = page.url();
	await page.goto(`${reviewUrl}/compare`);
	await expect(page.locator('#compare-from option:checked')).toHaveText(/Signed MOU/);
	const added = page.locator('ins.change', { hasText: 'second officer at the high school' });
	await expect(added).toHaveCount(1);
	await expect(added).toContainText(/District/);

	// The signed MOU stays readable; its review page points at the draft and its reminders stop.
	await page.goto(`${mouUrl}/review`);
	await expect(page.getByText(/The review is under way in/)).toBeVisible();
	await expect(page.getByText('None: the review has started.')).toBeVisible();
});

test('both parties confirm without changes and the due date moves a full interval', async ({ browser }) => {
	const agency = await signIn(browser, DEMO.agencyCounsel);
	const reviewUrl = `${app.url}${await agency.getByRole('link', { name: 'Athletics coverage MOU' }).getAttribute('href')}/review`;
	await agency.goto(reviewUrl);
	const past = agency.getByRole('region', { name: 'Past reviews' });
	await expect(past).toContainText('No review of this MOU has been completed yet.');
	await agency.getByRole('button', { name: 'Confirm without changes for Springfield Police Department' }).click();
	await expect(agency.getByRole('status').filter({ hasText: 'Your confirmation is recorded' })).toBeVisible();

	const district = await signIn(browser, DEMO.districtCounsel);
	await district.goto(reviewUrl);
	const before = await district.locator('time').first().textContent();
	await district.getByRole('button', { name: 'Confirm without changes for Springfield Unified School District' }).click();
	await expect(district.getByRole('status').filter({ hasText: 'Review completed. The next review is due' })).toBeVisible();
	await district.reload();
	await expect(district.getByText('Due in 375 days').or(district.getByText('Due in 376 days')).or(district.getByText('Due in 374 days'))).toBeVisible();
	expect(await district.locator('time').first().textContent()).not.toBe(before);

	// The completed review is listed apart from the new cycle: its date, steps and comments.
	const completed = district.getByRole('region', { name: 'Past reviews' }).getByRole('listitem');
	await expect(completed).toHaveCount(1);
	await expect(completed).toContainText(/Completed .* — the review due /);
	await expect(completed).toContainText('Confirmed without changes by both parties.');
	await expect(completed.getByRole('definition')).toHaveText(['None', '0']);
	await expectNoAxeViolations(district);
	for (const [w, h] of [
		[1366, 900],
		[390, 844]
	]) {
		await district.setViewportSize({ width: w, height: h });
		await completed.evaluate((el) => el.scrollIntoView({ block: 'center' }));
		await district.screenshot({ path: `/work/notes/screens/loose/past-reviews-${w}.png` });
		expect(await district.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(w);
	}
});
