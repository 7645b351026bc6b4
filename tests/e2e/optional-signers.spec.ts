import { test, expect, DEMO, signedInPage, expectNoAxeViolations, openDemoMou, MOU_PAGE } from './fixtures';

const SHOTS = '/work/notes/screens/states';
/** The signature blocks, folded or not, with their buttons. */
const FOLDED_BLOCKS = 'section.clause[data-clause-id^="signatures."]';

test('an empty optional signature block is folded to one line in the editor, unnumbered, as the DOCX leaves it out; naming its signer brings it back', async ({
	browser,
	app
}) => {
	test.setTimeout(150_000); // axe over the whole MOU page, twice
	const page = await signedInPage(browser, app, DEMO.agencyCounsel);
	await openDemoMou(page, 'draft');
	const board = page.locator('section.clause[data-clause-id="signatures.board"]');
	const parties = page.locator('section.clause[data-clause-id="signatures.parties"]');
	await expect(board).toHaveClass(/clause--unprinted/);
	await expect(board).toContainText('Optional signature block — not printed until “Name of the board president” is filled in.');
	await expect(board.locator('.clause-body')).toBeHidden();
	await expect(board.locator('.clause-number')).toHaveCount(0);
	// The required block keeps its number; the optional ones after it are not counted.
	await expect(parties.locator('.clause-number')).toHaveText(/^\d+\.\d+$/);
	const partiesNumber = (await parties.locator('.clause-number').textContent())!;

	await page.setViewportSize({ width: 1366, height: 900 });
	await board.scrollIntoViewIfNeeded();
	await page.screenshot({ path: `${SHOTS}/optional-signers-1366.png` });
	await expectNoAxeViolations(page, { page: MOU_PAGE.desktop, changed: [FOLDED_BLOCKS] });

	await board.getByRole('button', { name: /Add this signer/ }).click();
	const field = page.locator('#term-board_president_name');
	await expect(field).toBeFocused();
	await field.fill('Maria Lopez');
	await expect(board).not.toHaveClass(/clause--unprinted/);
	await expect(board.locator('.clause-body')).toBeVisible();
	await expect(board).toContainText('Approved by the Board of Education');
	const [section, clause] = partiesNumber.split('.').map(Number);
	await expect(board.locator('.clause-number')).toHaveText(`${section}.${clause + 1}`);

	// Emptied again, it folds away again.
	await field.fill('');
	await expect(board).toHaveClass(/clause--unprinted/);
	await page.setViewportSize({ width: 390, height: 844 });
	await board.scrollIntoViewIfNeeded();
	expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
	await page.screenshot({ path: `${SHOTS}/optional-signers-390.png` });
	await expectNoAxeViolations(page, { page: MOU_PAGE.phone, changed: [FOLDED_BLOCKS] });
});
