import { test, expect, DEMO, signedInPage, openDemoMou, expectNoAxeViolations, MOU_PAGE, holdCollabMessages, typeAtEndOfFirstOpenParagraph } from './fixtures';

/**
 * The district accepts the agency's suggestion while its author is still typing it, and the new
 * words reached the server but not yet the district's page: the decision is refused (the district
 * would agree to words it never saw), with a message in the panel, and nothing changes. Once the
 * page shows the new words, accepting takes them all. What the server sends the district's page is
 * held back meanwhile, so the district has not seen the new words for sure.
 */

const SCREENS = process.env.SCREENS_DIR;
const CHANGED = 'The agency changed this suggestion while you were deciding; look at it again.';

for (const [name, viewport] of [
	['desktop', { width: 1366, height: 900 }],
	['phone', { width: 390, height: 844 }]
] as const) {
	test(`a decision on a suggestion its author changed meanwhile is refused and changes nothing (${name})`, async ({ browser, app }) => {
		test.setTimeout(120_000);
		const first = ` Termly ${name} reviews`;
		const more = ' and unannounced visits';
		const agency = await signedInPage(browser, app, DEMO.agencyCounsel);
		const url = await openDemoMou(agency, 'negotiation');
		const district = await signedInPage(browser, app, DEMO.districtCounsel, { viewport });
		const districtSocket = await holdCollabMessages(district);
		await district.goto(url);
		const districtEditor = district.locator('.ProseMirror');
		await expect(districtEditor).toBeVisible();

		await typeAtEndOfFirstOpenParagraph(agency, first);
		const panel = district.locator('section.suggestions-panel');
		const accept = panel.getByRole('button', { name: new RegExp(`^Accept: .*${first.trim()}`) });
		await expect(accept).toBeVisible();

		// The author types on; the district's page does not hear of it before it accepts.
		districtSocket.hold();
		await agency.keyboard.type(more);
		await expect(agency.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved');
		await accept.click();
		await expect(panel.getByRole('alert')).toHaveText(CHANGED);
		await expect(districtEditor.locator('ins.suggestion', { hasText: first.trim() })).toHaveCount(1);
		await panel.getByRole('alert').evaluate((alert) => alert.scrollIntoView({ block: 'center' })); // clear of the sticky toolbar
		await expectNoAxeViolations(district, { page: name === 'desktop' ? MOU_PAGE.desktop : MOU_PAGE.phone, changed: ['section.suggestions-panel'] });
		if (SCREENS) await district.screenshot({ path: `${SCREENS}/refused-${name}.png` });

		// The district's page takes in the new words; accepting now takes them all.
		districtSocket.release();
		await expect(districtEditor.locator('ins.suggestion', { hasText: `${first.trim()}${more}` })).toHaveCount(1);
		await expect(agency.locator('.ProseMirror ins.suggestion', { hasText: `${first.trim()}${more}` })).toHaveCount(1);
		await panel.getByRole('button', { name: new RegExp(`^Accept: .*${more.trim()}`) }).click();
		await expect(districtEditor.locator('ins.suggestion', { hasText: first.trim() })).toHaveCount(0);
		await expect(districtEditor).toContainText(`${first}${more}`);
		await expect(panel.getByRole('alert')).toHaveCount(0);
		await district.reload();
		await expect(district.locator('.ProseMirror')).toContainText(`${first}${more}`);
		await expect(district.locator('.ProseMirror ins.suggestion', { hasText: first.trim() })).toHaveCount(0);
	});
}
