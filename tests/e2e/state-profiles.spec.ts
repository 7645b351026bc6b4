import { test, expect, DEMO, signedInPage, expectNoAxeViolations, openDemoMou, MOU_PAGE } from './fixtures';

const SHOTS = '/work/notes/screens/state';

test('the Illinois demo lists Illinois law beside NASRO, every item covered, with citations', async ({ browser, app }) => {
	const page = await signedInPage(browser, app, DEMO.agencyCounsel);
	await openDemoMou(page);
	const state = page.locator('section.compliance details.state-law');
	await expect(state.locator('summary')).toContainText('Illinois law');
	await expect(state.locator('summary')).toContainText('all covered');
	await state.locator('summary').click();
	await expect(state.getByText('105 ILCS 5/10-20.68(a-5)(3)', { exact: true })).toBeVisible();
	await expect(state.getByText('The SRO may not issue tickets or citations on school property.')).toBeVisible();
	await expect(page.locator('.ProseMirror')).toContainText('will not issue any ticket, citation or notice to appear');
	await expect(page.locator('.ProseMirror')).not.toContainText('Whether to arrest, cite');
	await state.scrollIntoViewIfNeeded();
	await page.setViewportSize({ width: 1366, height: 900 });
	await page.screenshot({ path: `${SHOTS}/compliance-illinois-1366.png` });
	await expectNoAxeViolations(page, { page: MOU_PAGE.desktop, changed: ['section.compliance'] });
});

test('a new draft is started under the state the counsel picks', async ({ browser, app }) => {
	const page = await signedInPage(browser, app, DEMO.districtCounsel);
	await page.goto('/mous/new');
	await page.setViewportSize({ width: 390, height: 844 });
	await expect(page.getByRole('group', { name: "The district's state" })).toBeVisible();
	await page.screenshot({ path: `${SHOTS}/new-mou-390.png`, fullPage: true });
	await expectNoAxeViolations(page);
	await page.getByLabel('Title').fill('Olympia SRO MOU');
	await page.getByRole('radio', { name: /Washington/ }).check();
	await page.getByRole('button', { name: 'Create draft' }).click();
	await page.waitForURL(/\/mous\/[0-9a-f-]{36}$/);
	await expect(page.locator('.ProseMirror')).toContainText('Joint hiring, placement and evaluation (Washington)');
	await expect(page.locator('section.compliance details.state-law summary')).toContainText('Washington law');
});
