import { test, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { freshDatabase } from '../helpers/db';
import { startApp, type RunningApp } from '../helpers/app';
import { DEMO, DEMO_PASSWORD } from '../helpers/demo';

/**
 * The review cycle in the browser. The demo MOU is made signed in the database (as signing leaves
 * it), so this needs the real PostgreSQL of DATABASE_URL; it is skipped on embedded PGlite only.
 */
const usable = Boolean(process.env.DATABASE_URL) && process.env.TEST_DB !== 'pglite';
test.skip(!usable, 'needs DATABASE_URL: the test signs the demo MOU in the database');

let db: Awaited<ReturnType<typeof freshDatabase>>;
let app: RunningApp;

test.beforeAll(async () => {
	test.setTimeout(120_000);
	db = await freshDatabase();
	app = await startApp({ DATABASE_URL: db.url, MOU_DEMO: '1' });
	// The negotiated demo MOU, agreed and signed: its review falls due in 20 days.
	await db.sql`
		insert into mou_versions (mou_id, number, kind, label, through_seq, state, sha256)
		select m.id, 1, 'agreed', 'Agreed text', u.seq, u.update, encode(sha256(u.update), 'hex')
		from mous m join lateral (select seq, update from mou_updates where mou_id = m.id order by seq limit 1) u on true
		where m.title like '%2027–28'`;
	await db.sql`
		update mous set status = 'signed', effective_date = current_date - 345, review_interval_months = 12,
			review_due_on = current_date + 20, signed_at = now() - interval '345 days'
		where title like '%2027–28'`;
	// A second signed MOU between them, for confirming without changes.
	await db.sql`
		with m as (
			insert into mous (title, status, template_id, template_version, created_by, effective_date, review_interval_months, review_due_on, signed_at)
			select 'Athletics coverage MOU', 'signed', template_id, template_version, created_by, current_date - 355, 12, current_date + 10, now() - interval '355 days'
			from mous where title like '%2027–28' returning id)
		insert into mou_parties (mou_id, organization_id, side)
		select m.id, p.organization_id, p.side from m, mou_parties p join mous x on x.id = p.mou_id where x.title like '%2027–28'`;
});

test.afterAll(async () => {
	await app?.stop();
	await db?.close();
});

async function signIn(browser: Browser, email: string): Promise<Page> {
	const context = await browser.newContext({ baseURL: app.url });
	const page = await context.newPage();
	await page.goto('/login');
	await page.locator('html[data-hydrated]').waitFor();
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL('**/mous');
	return page;
}

async function expectNoAxeViolations(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

test('the dashboard shows each review date, most urgent first, in words', async ({ browser }) => {
	const page = await signIn(browser, DEMO.districtCounsel);
	const rows = page.getByRole('table', { name: 'MOUs' }).getByRole('row');
	await expect(rows.nth(1)).toContainText('Athletics coverage MOU');
	await expect(rows.nth(1)).toContainText('Due in 10 days');
	await expect(rows.nth(2)).toContainText('Due in 20 days');
	await expectNoAxeViolations(page);
});

test('counsel starts the annual review from the signed MOU', async ({ browser }) => {
	const page = await signIn(browser, DEMO.districtCounsel);
	// By its address: a click can race the post-sign-in navigation.
	const mouUrl = app.url + (await page.getByRole('link', { name: /SRO MOU, 2027–28$/ }).getAttribute('href'));
	await page.goto(`${mouUrl}/review`);
	await expect(page.getByRole('heading', { name: 'Periodic review' })).toBeVisible();
	await expect(page.getByText('Due in 20 days')).toBeVisible();
	await expectNoAxeViolations(page);
	await page.getByRole('button', { name: /^Start the \d{4} review$/ }).click();
	await page.waitForURL((url) => url.pathname !== new URL(mouUrl).pathname && /\/mous\/[0-9a-f-]{36}$/.test(url.pathname));
	await expect(page.getByRole('heading', { name: /SRO MOU, 2027–28 — \d{4} review/ })).toBeVisible();
	await expect(page.locator('.ProseMirror')).toBeVisible();

	// The signed MOU stays readable; its review page points at the draft and its reminders stop.
	await page.goto(`${mouUrl}/review`);
	await expect(page.getByText(/The review is under way in/)).toBeVisible();
	await expect(page.getByText('None: the review has started.')).toBeVisible();
});

test('both parties confirm without changes and the due date moves a full interval', async ({ browser }) => {
	const agency = await signIn(browser, DEMO.agencyCounsel);
	const reviewUrl = `${app.url}${await agency.getByRole('link', { name: 'Athletics coverage MOU' }).getAttribute('href')}/review`;
	await agency.goto(reviewUrl);
	await agency.getByRole('button', { name: 'Confirm without changes for Springfield Police Department' }).click();
	await expect(agency.getByRole('status').filter({ hasText: 'Your confirmation is recorded' })).toBeVisible();

	const district = await signIn(browser, DEMO.districtCounsel);
	await district.goto(reviewUrl);
	const before = await district.locator('time').first().textContent();
	await district.getByRole('button', { name: 'Confirm without changes for Springfield Unified School District' }).click();
	await expect(district.getByRole('status').filter({ hasText: 'Review completed. The next review is due' })).toBeVisible();
	await district.reload();
	await expect(district.getByText('Due in 375 days').or(district.getByText('Due in 376 days')).or(district.getByText('Due in 374 days'))).toBeVisible();
	expect(await district.locator('time').first().textContent()).not.toBe(before);
});
