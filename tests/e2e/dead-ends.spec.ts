import { test, expect, type Page } from '@playwright/test';
import type { RunningApp } from '../helpers/app';
import { DEMO } from '../helpers/demo';
import { expectNoAxeViolations, MOU_PAGE, openFromDashboard, ownDemo, signedInPage } from './fixtures';

/**
 * The dead ends a new user met, walked through by both counsel in their own browsers on a demo
 * of their own (the story changes the demo's MOUs): what the dashboard says about a draft, where
 * "Compare versions" opens, quiet clause actions that suggest removal while negotiating, a
 * confirmation before approving over open comments, and a prepare-signing form whose choices fit.
 */

let demo: RunningApp;
ownDemo((own) => (demo = own));

const SHOTS = '/work/notes/screens/ux';
const NEGOTIATION = /SRO MOU, 2027–28$/;
const DRAFT = /SRO MOU, 2028–29 \(agency draft\)/;

/** Screenshots at desktop and phone width (then back to desktop), for people to look at. */
async function shots(page: Page, name: string, focus?: ReturnType<Page['locator']>) {
	if (!process.env.UX_SCREENSHOTS) return;
	for (const [w, h] of [
		[1366, 900],
		[390, 844]
	]) {
		await page.setViewportSize({ width: w, height: h });
		// A full-length MOU is 20,000 px tall: there, the screen around what changed.
		if (focus) await focus.evaluate((el) => el.scrollIntoView({ block: 'center' }));
		await page.screenshot({ path: `${SHOTS}/${name}-${w}.png`, fullPage: !focus });
	}
	await page.setViewportSize({ width: 1366, height: 900 });
}

async function sendRound(page: Page, round: number) {
	await page.getByRole('button', { name: /Send to .*…/ }).click();
	await page.getByRole('button', { name: `Send Round ${round}` }).click();
	await expect(page.locator('section.negotiation-bar')).toContainText(new RegExp(`Round ${round} — sent by`));
}

async function compareHeading(page: Page) {
	await page.getByRole('link', { name: 'Compare versions' }).click();
	const heading = page.getByRole('heading', { name: /^Changes from / });
	await expect(heading).toBeVisible();
	return heading.textContent();
}

test('no dead ends for counsel: draft status, compare default, clause actions, approving over open comments, prepare form', async ({ browser }) => {
	test.setTimeout(180_000);
	const agency = await signedInPage(browser, demo, DEMO.agencyCounsel);
	await agency.setViewportSize({ width: 1366, height: 900 });
	const district = await signedInPage(browser, demo, DEMO.districtCounsel);

	// A draft that invited no one does not claim to wait for anybody.
	const draftRow = agency.getByRole('row', { name: DRAFT });
	await expect(draftRow).toContainText('Draft — the other party is not invited yet');
	await expect(draftRow).not.toContainText('waiting');
	await shots(agency, 'dashboard');

	// Clause actions stay quiet until the clause is pointed at; while negotiating, removal is a suggestion.
	const mouPath = await openFromDashboard(agency, NEGOTIATION);
	const clause = agency.locator('.ProseMirror section.clause[data-locked="false"]').nth(1);
	const remove = clause.locator('.clause-remove');
	await expect(remove).toHaveCSS('opacity', '0');
	await clause.locator('.clause-body').hover();
	await expect(remove).toHaveCSS('opacity', '1');
	await expect(remove).toHaveAccessibleName(/^Suggest removing clause: /);
	await shots(agency, 'mou-clause-actions', clause.locator('.clause-header'));
	const clauseText = (await clause.locator('.clause-body').innerText()).trim().slice(0, 40);
	await remove.click();
	await expect(clause.locator('del.suggestion').first()).toBeVisible();
	await expect(agency.locator('.ProseMirror section.clause').filter({ hasText: clauseText })).toHaveCount(1);
	const districtPanel = district.locator('section.suggestions-panel');
	await openFromDashboard(district, NEGOTIATION);
	await districtPanel
		.getByRole('button', { name: /^Reject: / })
		.first()
		.click();
	await expect(agency.locator('.ProseMirror del.suggestion')).toHaveCount(0);

	// Compare opens on the other side's last round against the draft.
	await sendRound(agency, 1);
	await district.reload();
	expect(await compareHeading(district)).toMatch(/Changes from Round 1 — sent by Springfield Police Department, .* to Current draft/);
	await district.goto(mouPath);
	await district.locator('html[data-hydrated]').waitFor();
	await sendRound(district, 2);
	await agency.reload();
	expect(await compareHeading(agency)).toMatch(/Round 2 — sent by Springfield Unified School District/);
	await district.goto(mouPath);
	expect(await compareHeading(district)).toMatch(/Round 1 — sent by Springfield Police Department/);
	await shots(district, 'compare');

	// The district asks a question in a shared comment; the agency's approval stops to show it.
	await district.goto(mouPath);
	await district.locator('html[data-hydrated]').waitFor();
	await district.getByRole('button', { name: 'Comment', exact: true }).click();
	await district.getByLabel('Comment', { exact: true }).fill('Who pays for the radios?');
	await district.getByLabel(/Shared with/).check();
	await district.getByRole('button', { name: 'Post comment' }).click();
	await expect(district.locator('.comments-panel')).toContainText('Who pays for the radios?');

	await agency.goto(mouPath);
	await agency.locator('html[data-hydrated]').waitFor();
	await agency.getByRole('button', { name: 'Approve this version…' }).click();
	const ask = agency.getByRole('group', { name: /shared comment is still open/ });
	await expect(ask).toContainText('Who pays for the radios?');
	await expect(agency.getByRole('button', { name: 'Approve with open comments' })).toBeFocused();
	await expectNoAxeViolations(agency, { page: MOU_PAGE.desktop, changed: ['section.negotiation-bar', '.comments-panel'] });
	await shots(agency, 'approve-open-comments', ask);
	await ask.getByRole('button', { name: 'Cancel' }).click();
	await expect(agency.locator('.approvals')).toHaveText('Not yet approved by either party');
	await agency.getByRole('button', { name: 'Approve this version…' }).click();
	await agency.getByRole('button', { name: 'Approve with open comments' }).click();
	await expect(agency.getByRole('status').filter({ hasText: 'Your approval is recorded' })).toBeVisible();
	// Without the second yes (a script-less post, or a stale page) the server asks too.
	await district.reload();
	await district.locator('html[data-hydrated]').waitFor();
	await district.getByRole('button', { name: 'Approve this version…' }).click();
	await district.getByRole('button', { name: 'Approve with open comments' }).click();
	await expect(district.getByRole('heading', { name: 'Agreed — frozen for signature' })).toBeVisible();

	// The prepare form's drop-downs show whole names at 1366 px.
	await agency.goto(`${mouPath}/signing/prepare`);
	await agency.locator('html[data-hydrated]').waitFor();
	const cut = await agency.locator('select').evaluateAll((selects) =>
		selects
			.map((el) => {
				const select = el as HTMLSelectElement;
				const probe = document.createElement('span');
				probe.style.cssText = `position:absolute;visibility:hidden;white-space:nowrap;font:${getComputedStyle(select).font}`;
				probe.textContent = select.selectedOptions[0]?.textContent ?? '';
				document.body.append(probe);
				// The text must fit inside the padding and the arrow (about 2rem).
				const fits = probe.getBoundingClientRect().width <= select.clientWidth - 32;
				probe.remove();
				return fits ? null : probe.textContent;
			})
			.filter(Boolean)
	);
	expect(cut).toEqual([]);
	await shots(agency, 'prepare');

	// Once the agency invites the district to its own draft, the dashboard says it waits for them.
	await openFromDashboard(agency, DRAFT);
	await agency.getByLabel('Email of their counsel or administrator').fill('counsel@springfield-usd.example');
	await agency.getByRole('button', { name: 'Send invitation' }).click();
	await expect(agency.getByRole('status').filter({ hasText: 'Invitation sent' })).toBeVisible();
	await agency.goto('/mous');
	await expect(agency.getByRole('row', { name: DRAFT })).toContainText('Draft — waiting for the other party to join');
	await expectNoAxeViolations(agency);
});
