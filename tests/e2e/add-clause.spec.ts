import type { Locator, Page } from '@playwright/test';
import { test, expect, DEMO, signedInPage, expectNoAxeViolations, openDemoMou } from './fixtures';

/**
 * Adding a clause at the end of the body: the text ends in signature blocks (folded while their
 * signer is unnamed), where nothing is typed. "Add a clause" puts a new clause before them, by
 * keyboard alone — as a clause while drafting, as the writer's tracked suggestion while
 * negotiating, which the other side sees live in that party's colour. Ctrl+End goes to the end of
 * the last clause one can write in, and says so.
 */

const SHOTS = '/work/notes/screens/loose';
const TITLE = 'Student records';
const TEXT = 'Officers see student records only with the principal’s written consent.';

async function shots(page: Page, name: string, focus: Locator) {
	for (const [w, h] of [
		[1366, 900],
		[390, 844]
	]) {
		await page.setViewportSize({ width: w, height: h });
		await focus.evaluate((el) => el.scrollIntoView({ block: 'center' }));
		await page.screenshot({ path: `${SHOTS}/${name}-${w}.png` });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(w);
	}
	await page.setViewportSize({ width: 1366, height: 900 });
}

async function saved(page: Page) {
	await expect(page.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved');
}

/** Keyboard only: to "Add a clause", Enter, type the title, Enter; the caret is then in the new clause's text. */
async function addClauseByKeyboard(page: Page, title: string) {
	const toggle = page.getByRole('button', { name: 'Add a clause' });
	await toggle.focus();
	await page.keyboard.press('Enter');
	await expect(toggle).toHaveAttribute('aria-expanded', 'true');
	await expect(page.getByLabel('Title of the new clause')).toBeFocused();
	await page.keyboard.type(title);
	await page.keyboard.press('Enter');
	await expect(page.locator('.ProseMirror')).toBeFocused();
}

test('while negotiating, one side adds a clause at the end and the other sees it as that party’s suggestion', async ({ browser, app }) => {
	test.setTimeout(120_000);
	const agency = await signedInPage(browser, app, DEMO.agencyCounsel);
	const district = await signedInPage(browser, app, DEMO.districtCounsel);
	const url = await openDemoMou(agency, 'negotiation');
	await district.goto(url);
	const districtEditor = district.locator('.ProseMirror');
	await expect(districtEditor).toBeVisible();
	await expect(agency.getByText('Suggesting', { exact: true })).toBeVisible();

	// The form says where the clause goes and how it is treated; axe is clean with it open.
	await agency.getByRole('button', { name: 'Add a clause' }).click();
	await expect(agency.getByText(/before the signatures, as your suggestion/)).toBeVisible();
	await expectNoAxeViolations(agency);
	await shots(agency, 'add-clause-form', agency.locator('.add-clause-form'));
	await agency.getByRole('button', { name: 'Cancel' }).click();
	await expect(agency.getByRole('button', { name: 'Add a clause' })).toBeFocused();

	await addClauseByKeyboard(agency, TITLE);
	await expect(agency.locator('.lock-message')).toContainText(`New clause “${TITLE}” suggested`);
	await agency.keyboard.type(TEXT);
	await saved(agency);

	// The district sees the heading and the text as the agency's insertions, under Dana's name,
	// in the last clause before the signature section.
	const insertions = districtEditor.locator('ins.suggestion.party-agency');
	const heading = districtEditor.locator('h3 ins.suggestion.party-agency');
	await expect(heading).toHaveText(TITLE);
	await expect(heading).toHaveAttribute('title', /Dana Whitfield \(agency\)/);
	await expect(insertions.filter({ hasText: TEXT })).toHaveCount(1);
	const lastBodyClause = districtEditor.locator('section.clause', { has: district.locator('h3', { hasText: TITLE }) });
	await expect(lastBodyClause).toHaveAttribute('data-clause-id', 'general.provisions');
	// One suggestion, the title and the text together: the district decides the clause as one.
	const items = district.locator('section.suggestions-panel li.item');
	await expect(items.filter({ hasText: TITLE })).toHaveCount(1);
	await expect(items.filter({ hasText: TITLE })).toContainText('Officers see student records');
	await expect(items.filter({ hasText: 'Officers see student records' })).toHaveCount(1);
	await expectNoAxeViolations(district);
	await shots(district, 'add-clause-seen-by-district', lastBodyClause.locator('h3'));

	// Ctrl+End goes to the end of the last clause one can write in (not the folded signature
	// blocks), says so, and what is typed there is a suggestion like any other.
	await agency.locator('.ProseMirror section.clause[data-locked="false"] .clause-body p').first().click();
	await agency.keyboard.press('Control+End');
	await expect(agency.locator('.lock-message')).toContainText('the last clause you can write in');
	await agency.keyboard.type(' No copies.');
	await expect(insertions.filter({ hasText: 'No copies.' })).toHaveCount(1, { timeout: 20_000 });
	const provisions = districtEditor.locator('section.clause[data-clause-id="general.provisions"]');
	await expect(provisions).toContainText(`${TEXT} No copies.`);
	const blocks = () => provisions.locator('p, h3').evaluateAll((all) => all.map((el) => (el.textContent ?? '').trim()));
	const before = (await blocks()).length;

	// Rejected, the clause goes whole: its heading, its text, and no empty block left behind.
	await district
		.locator('section.suggestions-panel')
		.getByRole('button', { name: new RegExp(`^Reject: .*${TITLE}`) })
		.click();
	await expect(districtEditor.locator('h3', { hasText: TITLE })).toHaveCount(0);
	await expect(provisions).not.toContainText('Officers see student records');
	await expect(agency.locator('.ProseMirror h3', { hasText: TITLE })).toHaveCount(0);
	const after = await blocks();
	expect(after.length).toBe(before - 2);
	expect(after.filter((text) => text === '')).toEqual([]);
});

test('while drafting, the new clause is a clause of its own before the signatures, and stays after a reload', async ({ browser, app }) => {
	const agency = await signedInPage(browser, app, DEMO.agencyCounsel);
	await openDemoMou(agency, 'draft');
	await expect(agency.getByText('Suggesting', { exact: true })).toHaveCount(0);

	await addClauseByKeyboard(agency, 'Local terms');
	await expect(agency.locator('.lock-message')).toContainText('Clause “Local terms” added at the end of the body');
	await agency.keyboard.type('The parties meet at the start of each semester.');
	await saved(agency);
	const added = agency.locator('.ProseMirror section.clause[aria-label="Clause: Local terms"]');
	await expect(added).toContainText('The parties meet at the start of each semester.');
	await expect(added.locator('ins.suggestion')).toHaveCount(0);
	await shots(agency, 'add-clause-drafting', added);

	// Stored by the server (a clause is refused only while negotiating), before the signature section.
	await agency.reload();
	await expect(added).toContainText('The parties meet at the start of each semester.');
	const order = await agency
		.locator('.ProseMirror section.clause')
		.evaluateAll((all) => all.map((el) => (el as HTMLElement).dataset.clauseId || (el.getAttribute('aria-label') ?? '')));
	expect(order.indexOf('Clause: Local terms')).toBe(order.indexOf('general.provisions') + 1);
	expect(order.indexOf('Clause: Local terms')).toBeLessThan(order.indexOf('signatures.parties'));
	await expectNoAxeViolations(agency);
});
