import { test, expect, DEMO, signedInPage, expectNoAxeViolations, openDemoMou, MOU_PAGE } from './fixtures';
import type { Page } from '@playwright/test';

/** Appends a sentence to the first paragraph of the nth clause anyone may edit (the document ends in signature blocks). */
async function typeInOpenClause(page: Page, nth: number, text: string) {
	await page.locator('.ProseMirror section.clause[data-locked="false"]').nth(nth).locator('.clause-body p').first().click();
	await page.keyboard.press('End');
	await page.keyboard.type(` ${text}`);
}

test('agency and district counsel edit the same MOU live; a signatory only reads', async ({ browser, app }) => {
	const agency = await signedInPage(browser, app, DEMO.agencyCounsel);
	const district = await signedInPage(browser, app, DEMO.districtCounsel);

	await openDemoMou(agency);
	const mouUrl = agency.url();
	await district.goto(mouUrl);

	const agencyEditor = agency.locator('.ProseMirror');
	const districtEditor = district.locator('.ProseMirror');
	await expect(agencyEditor).toBeVisible();
	await expect(districtEditor).toContainText('School Resource Officer');

	// The agency adds a provision at the end of the draft.
	await typeInOpenClause(agency, 0, 'The agency proposes monthly coordination meetings.');
	await expect(districtEditor).toContainText('The agency proposes monthly coordination meetings.');
	await expect(agency.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved');
	await expect(agency.getByRole('status').filter({ hasText: 'All changes saved' })).toBeVisible();

	// The district answers; each sees the other's caret with name.
	await typeInOpenClause(district, 1, 'The district agrees to host them.');
	await expect(agencyEditor).toContainText('The district agrees to host them.');
	await expect(agency.locator('.collaboration-caret__label', { hasText: 'Elena Brooks' })).toBeVisible();
	await expect(district.locator('.collaboration-caret__label', { hasText: 'Dana Whitfield' })).toBeVisible();

	await expectNoAxeViolations(agency, { page: MOU_PAGE.desktop, changed: ['.ProseMirror ins.suggestion', '.collaboration-caret__label', '[data-save-state]'] });

	// The chief sees the live text but cannot change it.
	const chief = await signedInPage(browser, app, DEMO.chief);
	await chief.goto(mouUrl);
	const chiefEditor = chief.locator('.ProseMirror');
	await expect(chiefEditor).toContainText('The district agrees to host them.');
	await expect(chiefEditor).toHaveAttribute('contenteditable', 'false');
	await expect(chief.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'readonly');

	// A reload shows what the server stored.
	await district.reload();
	await expect(district.locator('.ProseMirror')).toContainText('The agency proposes monthly coordination meetings.');
});

test('offline edits merge when the connection returns', async ({ browser, app }) => {
	const agency = await signedInPage(browser, app, DEMO.agencyCounsel);
	const district = await signedInPage(browser, app, DEMO.districtCounsel);
	await openDemoMou(agency);
	await district.goto(agency.url());
	await expect(district.locator('.ProseMirror')).toBeVisible();
	await expect(agency.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved');

	await agency.context().setOffline(true);
	await expect(agency.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'offline', { timeout: 20_000 });
	await expect(agency.getByText('Offline — changes will sync when you reconnect')).toBeVisible();
	await typeInOpenClause(agency, 2, 'Written while offline.');

	await agency.context().setOffline(false);
	await expect(district.locator('.ProseMirror')).toContainText('Written while offline.', { timeout: 20_000 });
	await expect(agency.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved', { timeout: 20_000 });
});
