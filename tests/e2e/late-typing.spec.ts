import { test, expect, DEMO, signedInPage, openDemoMou, holdCollabMessages, typeAtEndOfFirstOpenParagraph } from './fixtures';

/**
 * The agency's counsel keeps typing their suggestion as the district accepts it. Their editor
 * carries the suggestion's mark forward with no format item of its own, so the keystrokes sent
 * before the decision reached it land unmarked after it: the server keeps them, as a new open
 * suggestion of the agency, and the author's editor is not reloaded. What the server sends the
 * agency's page is held back while the district decides, so those keystrokes are late for sure.
 */

const FIRST = ' Quarterly walkthroughs';
const LATE = ' with each principal.';

test('late typing into a suggestion as the other side accepts it is kept as a new suggestion, and the author stays connected', async ({ browser, app }) => {
	test.setTimeout(120_000);
	const agency = await signedInPage(browser, app, DEMO.agencyCounsel);
	const agencySocket = await holdCollabMessages(agency);
	const url = await openDemoMou(agency, 'negotiation');
	const district = await signedInPage(browser, app, DEMO.districtCounsel);
	await district.goto(url);
	const districtEditor = district.locator('.ProseMirror');
	await expect(districtEditor).toBeVisible();

	await typeAtEndOfFirstOpenParagraph(agency, FIRST);
	const panel = district.locator('section.suggestions-panel');
	await expect(panel.getByRole('button', { name: new RegExp(`^Accept: .*${FIRST.trim()}`) })).toBeVisible();

	// The district accepts; the agency's editor does not hear of it yet, and its author types on.
	agencySocket.hold();
	await panel.getByRole('button', { name: new RegExp(`^Accept: .*${FIRST.trim()}`) }).click();
	await expect(districtEditor.locator('ins.suggestion', { hasText: FIRST.trim() })).toHaveCount(0);
	await agency.keyboard.type(LATE);
	await expect(districtEditor).toContainText(`${FIRST}${LATE}`, { timeout: 20_000 }); // stored, though the page has not heard back
	agencySocket.release();

	// The late words are the agency's new suggestion, for the district to decide; nothing was lost.
	const late = districtEditor.locator('ins.suggestion.party-agency', { hasText: LATE.trim() });
	await expect(late).toHaveCount(1, { timeout: 20_000 });
	await expect(late).toHaveAttribute('title', /Dana Whitfield \(agency\)/);
	await expect(panel.getByRole('button', { name: new RegExp(`^Reject: .*${LATE.trim()}`) })).toBeVisible();
	await expect(agency.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved');
	await expect(agency.getByText('The server refused your last change')).toHaveCount(0);
	await expect(agency.locator('.ProseMirror')).toContainText(`${FIRST}${LATE}`);
	await expect(agency.locator('.ProseMirror ins.suggestion', { hasText: LATE.trim() })).toHaveCount(1, { timeout: 20_000 });

	await agency.reload();
	await expect(agency.locator('.ProseMirror')).toContainText(`${FIRST}${LATE}`);
});
