import type { Page } from '@playwright/test';
import { test, expect, DEMO, signedInPage, expectNoAxeViolations, openDemoMou, MOU_PAGE } from './fixtures';

/**
 * The whole negotiation, two parties in two browsers: the agency invites the district to its
 * draft, suggests changes that the district sees in the agency's colour under Dana's name, the
 * district rejects one, accepts another and proposes a term, rounds are sent, both approve, and
 * the agreed text is frozen for everyone. The compare view then shows what changed since round 1.
 */

const FIRST = 'The agency proposes monthly coordination meetings with each principal.';
const SECOND = ' Officers file a written summary each quarter.';

/** Appends a sentence to the first paragraph of the second clause anyone may edit (the document ends in signature blocks). */
async function typeInSecondOpenClause(page: Page, text: string) {
	await page.locator('.ProseMirror section.clause[data-locked="false"]').nth(1).locator('.clause-body p').first().click();
	await page.keyboard.press('End');
	await page.keyboard.type(` ${text}`);
}

/** Appends to the first paragraph of the first clause anyone may edit. */
async function typeAtEndOfOpenClause(page: Page, text: string) {
	const paragraph = page.locator('.ProseMirror section.clause[data-locked="false"] .clause-body p').first();
	await paragraph.click();
	await page.keyboard.press('End');
	await page.keyboard.type(text);
}

async function saved(page: Page) {
	await expect(page.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved');
}

async function chooseVersion(page: Page, select: string, label: RegExp) {
	const options = await page.locator(`${select} option`).evaluateAll((all) => all.map((o) => [o.textContent ?? '', (o as HTMLOptionElement).value]));
	const chosen = options.find(([text]) => label.test(text));
	expect(chosen, `an option like ${label}`).toBeDefined();
	await page.locator(select).selectOption(chosen![1]);
}

/** The district's counsel reads the invitation in their own Inbox (no SMTP in the demo) and joins. */
async function districtJoins(district: Page) {
	await district.goto('/inbox');
	await district
		.getByRole('link', { name: /An invitation to negotiate an SRO MOU/ })
		.first()
		.click();
	const join = await district.locator('a[href*="/join/"]').first().getAttribute('href');
	await district.goto(join!);
	await district.getByRole('button', { name: 'Accept and open the draft' }).click();
	await district.waitForURL(/\/mous\/[0-9a-f-]{36}$/);
}

test('agency and district negotiate with redlines, send rounds, approve, and the agreed text is frozen', async ({ browser, app }) => {
	test.setTimeout(120_000);
	const agency = await signedInPage(browser, app, DEMO.agencyCounsel);
	const mouUrl = await openDemoMou(agency, 'draft');

	// While the agency drafts alone, edits are direct; then it invites the district.
	await agency.getByLabel('Email of their counsel or administrator').fill(DEMO.districtCounsel);
	await agency.getByRole('button', { name: 'Send invitation' }).click();
	await expect(agency.getByRole('status').filter({ hasText: 'Invitation sent' })).toBeVisible();

	const district = await signedInPage(browser, app, DEMO.districtCounsel);
	await districtJoins(district);
	expect(district.url()).toBe(mouUrl);
	// The agency's open page hears that negotiation started: from now on its edits are tracked.
	await expect(agency.getByText('Suggesting', { exact: false }).first()).toBeVisible();

	// Agency counsel suggests two changes.
	await typeInSecondOpenClause(agency, FIRST);
	await typeAtEndOfOpenClause(agency, SECOND);
	await saved(agency);

	// District counsel sees them as the agency's redline, under Dana's name.
	const districtEditor = district.locator('.ProseMirror');
	const agencyInsertions = districtEditor.locator('ins.suggestion.party-agency');
	await expect(agencyInsertions.filter({ hasText: FIRST })).toHaveCount(1);
	await expect(agencyInsertions.filter({ hasText: SECOND.trim() })).toHaveCount(1);
	await expect(agencyInsertions.first()).toHaveAttribute('title', /Dana Whitfield \(agency\)/);
	const panel = district.locator('section.suggestions-panel');
	await expect(panel).toContainText('Dana Whitfield');
	await expectNoAxeViolations(district, {
		page: MOU_PAGE.desktop,
		changed: ['.ProseMirror ins.suggestion.party-agency', 'section.suggestions-panel', 'section.negotiation-bar']
	});

	// The agency sends round 1; the district's counsel is told and the timeline shows it.
	await agency.getByRole('button', { name: /Send to .*…/ }).click();
	await agency.getByRole('button', { name: 'Send Round 1' }).click();
	await expect(agency.locator('section.negotiation-bar')).toContainText(/Round 1 — sent by Springfield Police Department/);
	await expect(district.locator('section.negotiation-bar')).toContainText(/Round 1 — sent by Springfield Police Department/);

	// The district rejects the first suggestion and accepts the second; the agency sees both at once.
	await panel.getByRole('button', { name: new RegExp(`^Reject: .*${FIRST.slice(0, 30)}`) }).click();
	await expect(districtEditor).not.toContainText(FIRST);
	await panel.getByRole('button', { name: new RegExp(`^Accept: .*${SECOND.trim().slice(0, 30)}`) }).click();
	await expect(districtEditor.locator('ins.suggestion')).toHaveCount(0);
	await expect(districtEditor).toContainText(SECOND.trim());
	const agencyEditor = agency.locator('.ProseMirror');
	await expect(agencyEditor).not.toContainText(FIRST);
	await expect(agencyEditor.locator('ins.suggestion', { hasText: SECOND.trim() })).toHaveCount(0);
	await expect(agencyEditor).toContainText(SECOND.trim());

	// A term change is a proposal the other party decides on.
	await district.getByLabel(/Hours on campus per school week/).fill('35');
	await saved(district);
	const agencyPanel = agency.locator('section.suggestions-panel');
	await expect(agencyPanel).toContainText(/hours/i);
	await agencyPanel
		.getByRole('button', { name: /^Accept: / })
		.first()
		.click();
	await expect(agencyPanel.getByRole('button', { name: /^Accept: / })).toHaveCount(0);

	// The district sends round 2; both approve the same text.
	await district.getByRole('button', { name: /Send to .*…/ }).click();
	await district.getByRole('button', { name: 'Send Round 2' }).click();
	await expect(district.locator('section.negotiation-bar')).toContainText(/Round 2 — sent by Springfield Unified School District/);
	await agency.getByRole('button', { name: 'Approve this version' }).click();
	await expect(district.locator('section.negotiation-bar')).toContainText(/approved/i);
	await district.getByRole('button', { name: 'Approve this version' }).click();

	// Agreed: frozen for everyone, the chief included.
	for (const page of [agency, district]) {
		await expect(page.getByRole('heading', { name: 'Agreed — frozen for signature' })).toBeVisible();
		await expect(page.locator('.ProseMirror')).toHaveAttribute('contenteditable', 'false');
	}
	const chief = await signedInPage(browser, app, DEMO.chief);
	await chief.goto(mouUrl);
	await expect(chief.locator('.ProseMirror')).toHaveAttribute('contenteditable', 'false');
	await expect(chief.locator('.ProseMirror')).toContainText(SECOND.trim());

	// Compare round 1 with the agreed version: the rejected proposal is gone, taken out by the district.
	await agency.goto(`${mouUrl}/compare`);
	await chooseVersion(agency, '#compare-from', /Round 1/);
	await chooseVersion(agency, '#compare-to', /Agreed version/);
	await agency.getByRole('button', { name: 'Compare' }).click();
	const removed = agency.locator('del.change', { hasText: FIRST.slice(0, 30) });
	await expect(removed).toHaveCount(1);
	await expect(removed).toContainText(/District/);
	await expect(agency.locator('ins.change', { hasText: FIRST.slice(0, 30) })).toHaveCount(0);
	await expectNoAxeViolations(agency);
});
