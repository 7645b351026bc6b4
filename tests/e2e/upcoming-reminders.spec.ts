import { test, expect, type Browser } from '@playwright/test';
import type { RunningApp } from '../helpers/app';
import { DEMO, startDemoApp } from '../helpers/demo';
import { expectNoAxeViolations, signedInPage } from './fixtures';

/**
 * The administrators' upcoming reminders: every kind (the review, the end of the term, the
 * non-renewal notice deadline), a table on a wide screen and a list of cards on a phone, with no
 * sideways scrolling. The demo MOU is made signed (review due in 20 days; its term ends 2028-07-31).
 */
const SHOTS = '/work/notes/screens/states';
const SIGN_DEMO = [
	`insert into mou_versions (mou_id, number, kind, label, through_seq, state, sha256)
	select m.id, 1, 'agreed', 'Agreed text', u.seq, u.update, encode(sha256(u.update), 'hex')
	from mous m join lateral (select seq, update from mou_updates where mou_id = m.id order by seq limit 1) u on true
	where m.title like '%2027–28'`,
	`update mous set status = 'signed', effective_date = current_date - 345, review_interval_months = 12,
		review_due_on = current_date + 20, signed_at = now() - interval '345 days'
	where title like '%2027–28'`
];

let demo: Awaited<ReturnType<typeof startDemoApp>>;
let app: RunningApp;

test.beforeAll(async () => {
	test.setTimeout(120_000);
	demo = await startDemoApp({}, async (query) => {
		for (const statement of SIGN_DEMO) await query(statement);
	});
	app = demo.app;
});
test.afterAll(async () => {
	await demo?.stop();
});

async function adminPage(browser: Browser) {
	const page = await signedInPage(browser, app, DEMO.districtCounsel);
	await page.goto('/reminders/upcoming');
	return page;
}

test('every kind of reminder is listed: the review, the end of the term and the non-renewal notice deadline', async ({ browser }) => {
	const page = await adminPage(browser);
	await page.setViewportSize({ width: 1366, height: 900 });
	const table = page.getByRole('table', { name: 'Upcoming reminders' });
	await expect(table).toContainText('Review due');
	await expect(table).toContainText('Term ends 2028-07-31');
	await expect(table).toContainText('Non-renewal notice by');
	await expect(table).toContainText('days before the term ends');
	await page.screenshot({ path: `${SHOTS}/upcoming-reminders-1366.png`, fullPage: true });
	await expectNoAxeViolations(page);
});

test('on a phone the reminders are a list of cards, with no sideways scrolling', async ({ browser }) => {
	const page = await adminPage(browser);
	await page.setViewportSize({ width: 390, height: 844 });
	await expect(page.getByRole('table', { name: 'Upcoming reminders' })).toBeHidden();
	const list = page.getByRole('list', { name: 'Upcoming reminders' });
	await expect(list).toBeVisible();
	await expect(list.getByRole('listitem').first()).toBeVisible();
	await expect(list).toContainText('Term ends 2028-07-31');
	await expect(list).toContainText('Non-renewal notice by');
	await expect(list).toContainText('Review due');
	expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
	await page.screenshot({ path: `${SHOTS}/upcoming-reminders-390.png`, fullPage: true });
	await expectNoAxeViolations(page);
});
