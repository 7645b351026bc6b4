import { test as base, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { startDemoApp, DEMO, DEMO_PASSWORD } from '../helpers/demo';

type App = Awaited<ReturnType<typeof startDemoApp>>['app'];

/** One production server with the Springfield demo per worker. */
export const test = base.extend<object, { app: App }>({
	app: [
		async ({}, use) => {
			const running = await startDemoApp();
			await use(running.app);
			await running.stop();
		},
		{ scope: 'worker', timeout: 120_000 }
	]
});

export { expect, DEMO };

/** A separate browser context per person: their own cookies, as on their own computer. */
export async function signedInPage(browser: Browser, app: Pick<App, 'url'>, email: string): Promise<Page> {
	const context = await browser.newContext({ baseURL: app.url });
	const page = await context.newPage();
	await page.goto('/login');
	// Typing before hydration can be reset by it (seen on a cold server): wait until the page is live.
	await page.locator('html[data-hydrated]').waitFor();
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL('**/mous');
	await expect(page.getByRole('heading', { name: 'Your MOUs' })).toBeVisible();
	return page;
}

const DEMO_TITLES = {
	/** Both parties, in negotiation: every edit a tracked suggestion. */
	negotiation: /SRO MOU, 2027–28/,
	/** The agency's own draft (the district has not joined): edits are direct. */
	draft: /SRO MOU, 2028–29 \(agency draft\)/
};

/** Opens a demo MOU from the dashboard by its address (a click can race the post-sign-in navigation). */
export async function openDemoMou(page: Page, which: keyof typeof DEMO_TITLES = 'negotiation'): Promise<string> {
	const href = await page.getByRole('link', { name: DEMO_TITLES[which] }).getAttribute('href');
	await page.goto(href!);
	await expect(page.locator('.ProseMirror')).toBeVisible();
	return page.url();
}

export async function expectNoAxeViolations(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
	expect(summary).toEqual([]);
}
