import { test, expect, DEMO, signedInPage, expectNoAxeViolations, openDemoMou, MOU_PAGE } from './fixtures';
import { signInCookie } from '../helpers/demo';

const SHOTS = '/work/notes/screens/states';

test('counsel moves a draft from no state profile to Illinois: the citation ban replaces “may cite”, Illinois items are listed', async ({ browser, app }) => {
	test.setTimeout(150_000); // axe over the whole MOU page, twice
	const page = await signedInPage(browser, app, DEMO.districtCounsel);
	await page.goto('/mous/new');
	await page.locator('html[data-hydrated]').waitFor();
	await page.getByLabel('Title').fill('Peoria SRO MOU');
	await page.getByRole('radio', { name: /No state profile/ }).check();
	await page.getByRole('button', { name: 'Create draft' }).click();
	await page.waitForURL(/\/mous\/[0-9a-f-]{36}$/);
	const editor = page.locator('.ProseMirror');
	await expect(editor).toContainText('Whether to arrest, cite or take a student into custody');
	await expect(page.locator('section.compliance details.state-law')).toHaveCount(0);

	const form = page.getByRole('region', { name: 'The district’s state' });
	await expect(form).toBeVisible();
	await page.setViewportSize({ width: 1366, height: 900 });
	await form.scrollIntoViewIfNeeded();
	await page.screenshot({ path: `${SHOTS}/state-form-1366.png` });
	await expectNoAxeViolations(page, { page: MOU_PAGE.desktop, changed: ['section.state-form', 'section.compliance'] });

	await form.getByLabel('State whose law governs the program').selectOption('il');
	await form.getByRole('button', { name: 'Change state' }).click();
	await expect(form.getByRole('status')).toContainText('The draft now follows Illinois');
	await expect(editor).toContainText('will not issue any ticket, citation or notice to appear');
	await expect(editor).not.toContainText('Whether to arrest, cite');
	const state = page.locator('section.compliance details.state-law');
	await expect(state.locator('summary')).toContainText('Illinois law');
	await expect(state.locator('summary')).toContainText('all covered');
	// Whether the group opened by itself while the new items synced, the reader opens it once.
	if (!(await state.evaluate((details) => (details as HTMLDetailsElement).open))) await state.locator('summary').click();
	await expect(state.getByText('The SRO may not issue tickets or citations on school property.')).toBeVisible();
	await expect(page.getByText('State law: Illinois')).toBeVisible();

	await page.setViewportSize({ width: 390, height: 844 });
	await form.scrollIntoViewIfNeeded();
	expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
	await page.screenshot({ path: `${SHOTS}/state-form-390.png` });
	await expectNoAxeViolations(page, { page: MOU_PAGE.phone, changed: ['section.state-form', 'section.compliance'] });
});

test('once negotiation has started, a raw post changing the state is refused with the reason', async ({ browser, app }) => {
	const page = await signedInPage(browser, app, DEMO.districtCounsel);
	const url = await openDemoMou(page, 'negotiation');
	await expect(page.getByRole('region', { name: 'The district’s state' })).toHaveCount(0);
	const cookie = await signInCookie(app, DEMO.districtCounsel);
	const response = await fetch(`${url}?/changeState`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', origin: app.url, cookie },
		body: new URLSearchParams({ state: 'none' }).toString()
	});
	const answer = await response.json();
	expect(answer.type).toBe('failure');
	expect(answer.status).toBe(400);
	expect(answer.data).toContain('The state can no longer change: negotiation with the other party has started');
	await page.reload();
	await expect(page.getByText('State law: Illinois')).toBeVisible();
	await expect(page.locator('.ProseMirror')).toContainText('will not issue any ticket, citation or notice to appear');
});
