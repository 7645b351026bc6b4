import { expect, type Browser, type Page } from '@playwright/test';
import { DEMO, expectNoAxeViolations, MOU_PAGE, signedInPage, test } from './fixtures';

/**
 * On a 390×844 phone nothing scrolls sideways — the dashboard's MOUs become labelled cards, the
 * MOU page stacks its panels under the document — and axe finds nothing, on the pages counsel
 * open most: dashboard, an MOU with a suggestion and a long unbroken word in it, its comparison,
 * the inbox and the account page. Both counsel, each on their own phone.
 */

const PHONE = { width: 390, height: 844 };

const phoneOf = (browser: Browser, url: string, email: string) => signedInPage(browser, { url }, email, { viewport: PHONE, isMobile: true, hasTouch: true });

/** How far the page reaches sideways, and what sticks out past the screen's right edge. */
async function expectNoSidewaysScroll(page: Page) {
	const { width, wide } = await page.evaluate(() => {
		const edge = document.documentElement.clientWidth;
		// Inside a box that clips or scrolls on its own (and fits), an element moves nothing sideways.
		const contained = (e: Element) => {
			for (let box = e.parentElement; box && box !== document.body; box = box.parentElement) {
				if (getComputedStyle(box).overflowX !== 'visible' && box.getBoundingClientRect().right <= edge + 1) return true;
			}
			return false;
		};
		const wide = [...document.querySelectorAll('body *')]
			.filter((e) => e.getBoundingClientRect().right > edge + 1 && !contained(e))
			.slice(0, 5)
			.map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`);
		return { width: document.scrollingElement!.scrollWidth, wide };
	});
	expect({ url: page.url(), width, wide }).toEqual({ url: page.url(), width: expect.any(Number), wide: [] });
	expect(width).toBeLessThanOrEqual(PHONE.width);
}

test('at 390 px the pages counsel use fit the screen, for both parties, with no accessibility violations', async ({ browser, app }) => {
	test.setTimeout(180_000);
	const agency = await phoneOf(browser, app.url, DEMO.agencyCounsel);
	const district = await phoneOf(browser, app.url, DEMO.districtCounsel);

	// The dashboard: one labelled card per MOU, still a table to assistive technology.
	const row = agency.getByRole('row').filter({ has: agency.getByRole('link', { name: /SRO MOU, 2027–28$/ }) });
	await expect(row.getByRole('cell', { name: /In negotiation/ })).toBeVisible();
	await expect(agency.getByRole('columnheader', { name: 'Status' })).toBeAttached();
	await expectNoSidewaysScroll(agency);
	await expectNoAxeViolations(agency);

	// The MOU in negotiation, with a suggestion carrying a word longer than the screen is wide.
	const href = (await agency.getByRole('link', { name: /SRO MOU, 2027–28$/ }).getAttribute('href'))!;
	// Opened from the dashboard's link (client-side navigation): the template comes once from ./template.
	await agency.getByRole('link', { name: /SRO MOU, 2027–28$/ }).tap();
	await agency.waitForURL(`**${href}`);
	await agency.locator('[data-save-state="saved"]').waitFor();
	await expect(agency.locator('section.compliance')).toContainText(/mandatory/i);
	await agency.locator('.ProseMirror section.clause[data-locked="false"] .clause-body p').first().tap();
	await agency.keyboard.press('End');
	await agency.keyboard.type(' see https://springfield-pd.example/policies/school-resource-officers/2027/annex-b');
	await agency.locator('[data-save-state="saved"]').waitFor();
	await expect(agency.locator('.ProseMirror ins.suggestion').first()).toBeVisible();
	await expectNoSidewaysScroll(agency);
	await expectNoAxeViolations(agency, { page: MOU_PAGE.phone, changed: ['.ProseMirror ins.suggestion', 'section.suggestions-panel', 'section.compliance'] });

	// The district sees it, on its own phone; then sends a round back, so each has something to compare.
	await district.goto(href);
	await district.locator('[data-save-state="saved"]').waitFor();
	await expect(
		district
			.locator('section.suggestions-panel')
			.getByRole('button', { name: /^Reject: / })
			.first()
	).toBeVisible();
	await expectNoSidewaysScroll(district);
	await district.getByRole('button', { name: /Send to .*…/ }).click();
	await district.getByRole('button', { name: 'Send Round 1' }).click();
	await expect(district.locator('section.negotiation-bar')).toContainText(/Round 1 — sent by/);

	await agency.goto(`${href}/compare`);
	await expect(agency.getByRole('heading', { name: /^Changes from / })).toBeVisible();
	await expectNoSidewaysScroll(agency);
	await expectNoAxeViolations(agency);

	// The round's mail in the agency counsel's inbox, and the account page.
	await agency.goto('/inbox');
	await expect(agency.getByRole('link', { name: /sent Round 1/ })).toBeVisible();
	await expectNoSidewaysScroll(agency);
	await expectNoAxeViolations(agency);
	await agency
		.getByRole('link', { name: /sent Round 1/ })
		.first()
		.click();
	await expect(agency.getByRole('link', { name: /\/mous\// })).toBeVisible();
	await expectNoSidewaysScroll(agency);

	await district.goto('/account');
	await district.locator('html[data-hydrated]').waitFor();
	await expectNoSidewaysScroll(district);
	await expectNoAxeViolations(district);
});
