import { test, expect, type Page } from '@playwright/test';
import type { RunningApp } from '../helpers/app';
import { DEMO } from '../helpers/demo';
import { mailText } from '../helpers/smtp';
import { expectNoAxeViolations, MOU_PAGE, openFromDashboard, ownDemoWithMail, signedInPage, type Smtp } from './fixtures';

/**
 * What changed since my last visit, and @mentions, between two counsel in their own browsers: the
 * district suggests and comments while the agency is away; the agency comes back, is told what
 * arrived and steps through it with the keyboard; mentions reach only people who may read the
 * comment, by real SMTP; a person who turns mention mail off gets none.
 */

let app: RunningApp;
let smtp: Smtp;
ownDemoWithMail((own, mail) => {
	app = own;
	smtp = mail;
});

const SHOTS = '/work/notes/screens/visits';
const NEGOTIATION = /SRO MOU, 2027–28$/;

async function shots(page: Page, name: string, focus?: ReturnType<Page['locator']>) {
	for (const [w, h] of [
		[390, 844],
		[1366, 900]
	]) {
		await page.setViewportSize({ width: w, height: h });
		if (focus) await focus.evaluate((el) => el.scrollIntoView({ block: 'center' }));
		expect(await page.evaluate(() => document.documentElement.scrollWidth), `no horizontal scroll at ${w} px`).toBeLessThanOrEqual(w);
		if (process.env.UX_SCREENSHOTS) await page.screenshot({ path: `${SHOTS}/${name}-${w}.png`, fullPage: !focus });
	}
}

async function saved(page: Page) {
	await expect(page.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved');
}

async function comment(page: Page, body: string, visibility: 'shared' | 'internal') {
	await page.getByRole('button', { name: 'Comment', exact: true }).click();
	await page.getByLabel('Comment', { exact: true }).fill(body);
	if (visibility === 'shared') await page.getByLabel(/Shared with/).check();
}

/**
 * The agency's Outbox, as its administrator Dana reads it: mention mail is queued there while the
 * comment is posted, so once the comment shows, the mail it caused is listed; each has been delivered.
 */
async function expectMentionMailsToDana(agency: Page, count: number) {
	await agency.goto('/outbox');
	const rows = agency.getByRole('row').filter({ hasText: DEMO.agencyCounsel }).filter({ hasText: 'mentioned you' });
	await expect(rows).toHaveCount(count);
	for (let i = 0; i < count; i++) await expect(rows.nth(i)).toContainText('Delivered');
}

const mailsTo = (smtp: Smtp, address: string) => smtp.received.filter((m) => m.to.includes(address)).map((m) => mailText(m.raw));

test('the agency sees what the district did while it was away, steps through it, and mentions mail only who may read them', async ({ browser }) => {
	test.setTimeout(240_000);
	const agency = await signedInPage(browser, app, DEMO.agencyCounsel);
	await openFromDashboard(agency, NEGOTIATION);
	// A first visit: nothing is "new" yet.
	await expect(agency.getByRole('heading', { name: /since your last visit/ })).toHaveCount(0);
	// Leaving the page reports the visit (a beacon from the page being left; the last step shows it counted).
	await agency.goto('/mous');

	// While the agency is away, the district suggests twice and comments.
	const district = await signedInPage(browser, app, DEMO.districtCounsel);
	await openFromDashboard(district, NEGOTIATION);
	const paragraph = district.locator('.ProseMirror section.clause[data-locked="false"] .clause-body p').first();
	await paragraph.click();
	await district.keyboard.press('End');
	await district.keyboard.type(' Quarterly reports go to the board.');
	await saved(district);
	await district.locator('.ProseMirror section.clause[data-locked="false"]').nth(2).locator('.clause-body p').first().click();
	await district.keyboard.press('End');
	await district.keyboard.type(' Summer coverage is agreed separately.');
	await saved(district);
	await expect(district.locator('section.suggestions-panel')).toContainText('Summer coverage is agreed separately.');

	await comment(district, '@Dana Whitfield who pays for the radios?', 'shared');
	await expect(district.locator('#comment-mentions')).toHaveText('Will notify by email: Dana Whitfield.');
	await district.getByRole('button', { name: 'Post comment' }).click();
	await expect(district.getByRole('status').filter({ hasText: 'Notified of your mention by email: Dana Whitfield.' })).toBeVisible();

	// An internal comment naming the other party's counsel: allowed, but only the district's own signatory is told.
	await comment(district, '@Dana Whitfield @Thomas Okafor our ceiling is 60/40.', 'internal');
	const preview = district.locator('#comment-mentions');
	await expect(preview).toContainText('Will notify by email: Thomas Okafor.');
	await expect(preview).toContainText('Dana Whitfield cannot read an internal comment: not notified.');
	await expectNoAxeViolations(district, { page: MOU_PAGE.desktop, changed: ['form.composer', '.comments-panel', '.ProseMirror ins.suggestion'] });
	await shots(district, 'mention-preview', district.locator('form.composer'));
	await district.getByRole('button', { name: 'Post comment' }).click();
	await expect(district.getByRole('status').filter({ hasText: 'Notified of your mention by email: Thomas Okafor.' })).toBeVisible();

	// The mention emails arrive, each only where it may.
	expect(mailText((await smtp.waitFor(DEMO.superintendent)).raw)).toContain('our ceiling is 60/40');
	expect(mailText((await smtp.waitFor(DEMO.agencyCounsel)).raw)).toContain('who pays for the radios?');
	await expectMentionMailsToDana(agency, 1);
	expect(mailsTo(smtp, DEMO.agencyCounsel).filter((m) => m.includes('mentioned you'))).toHaveLength(1);
	expect(mailsTo(smtp, DEMO.agencyCounsel).some((m) => m.includes('60/40'))).toBe(false);

	// The agency comes back: told what arrived, never the district's internal comment.
	await openFromDashboard(agency, NEGOTIATION);
	const since = agency.getByRole('region', { name: '2 suggestions, 1 comment since your last visit' });
	await expect(since).toBeVisible();
	await expect(agency.getByRole('status').filter({ hasText: '2 suggestions, 1 comment since your last visit. Use Next' })).toBeAttached();
	await expect(agency.locator('.comments-panel')).not.toContainText('60/40');
	await expectNoAxeViolations(agency, { page: MOU_PAGE.desktop, changed: ['section.since', '.comments-panel', '.ProseMirror ins.suggestion'] });
	await shots(agency, 'since-last-visit', since);

	// Keyboard only: Next and Previous keep focus on the stepper and announce each item.
	const position = since.getByRole('status');
	const next = since.getByRole('button', { name: 'Next' });
	await next.focus();
	await agency.keyboard.press('Enter');
	await expect(position).toHaveText(/^1 of 3: Suggestion by Elena Brooks: insert “/);
	await agency.keyboard.press('Enter');
	await expect(position).toHaveText(/^2 of 3: Suggestion by Elena Brooks: insert “/);
	await agency.keyboard.press('Enter');
	await expect(position).toHaveText('3 of 3: Comment by Elena Brooks: @Dana Whitfield who pays for the radios?');
	await expect(next).toBeFocused();
	const thread = agency.locator('.comments-panel article[data-visit-current]');
	await expect(thread).toContainText('who pays for the radios?');
	await expect(thread).toBeInViewport();
	await agency.keyboard.press('Shift+Tab');
	await expect(since.getByRole('button', { name: 'Previous' })).toBeFocused();
	await agency.keyboard.press('Enter');
	await expect(position).toHaveText(/^2 of 3: Suggestion by Elena Brooks/);
	// "Go to it" puts focus on the suggestion in the text itself.
	await since.getByRole('button', { name: 'Go to it' }).click();
	await expect(agency.locator('.ProseMirror')).toBeFocused();
	const selected = await agency.evaluate(() => window.getSelection()?.toString() ?? '');
	expect(['Quarterly reports go to the board.', 'Summer coverage is agreed separately.'].some((s) => selected.includes(s.slice(0, 20)))).toBe(true);
	// The comment's "Go to it" focuses its thread in the panel.
	await next.click();
	await since.getByRole('button', { name: 'Go to it' }).click();
	await expect(agency.locator('.comments-panel article[data-visit-current]')).toBeFocused();
	await shots(agency, 'since-last-visit-stepping', thread);

	// Reloading does not reset what is new; leaving does.
	await agency.reload();
	await expect(agency.getByRole('region', { name: '2 suggestions, 1 comment since your last visit' })).toBeVisible();

	// The agency turns mention mail off in its settings; the district's next mention sends nothing.
	await agency.goto('/account');
	const mentionsBox = agency.getByRole('checkbox', { name: /Comments that mention you/ });
	await expect(mentionsBox).toBeChecked();
	await mentionsBox.uncheck();
	await agency.getByRole('button', { name: 'Save notifications' }).click();
	await expect(agency.getByRole('status').filter({ hasText: 'Your email notifications are saved.' })).toBeVisible();
	await agency.reload();
	await expect(agency.getByRole('checkbox', { name: /Comments that mention you/ })).not.toBeChecked();
	await expect(agency.getByRole('checkbox', { name: /Rounds/ })).toBeChecked();
	await expect(agency.getByText('Always sent, whatever you choose here:')).toBeVisible();
	await expectNoAxeViolations(agency);
	await shots(agency, 'account-notifications', agency.getByRole('heading', { name: 'Email notifications' }));

	await comment(district, 'One more question, @Dana Whitfield.', 'shared');
	await district.getByRole('button', { name: 'Post comment' }).click();
	await expect(district.locator('.comments-panel')).toContainText('One more question');
	await expectMentionMailsToDana(agency, 1);
	expect(mailsTo(smtp, DEMO.agencyCounsel).filter((m) => m.includes('mentioned you'))).toHaveLength(1);

	// Back on the MOU: only the new comment is new since the visit that ended at /account.
	await openFromDashboard(agency, NEGOTIATION);
	await expect(agency.getByRole('region', { name: '1 comment since your last visit' })).toBeVisible();
});
