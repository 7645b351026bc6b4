import { test as base, expect, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type WebSocketRoute } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { startDemoApp, DEMO, DEMO_PASSWORD } from '../helpers/demo';
import { startSmtpServer } from '../helpers/smtp';

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

/** Everyone signed in by earlier tests of this worker: the browser outlives a test, their open pages would too. */
let people: { testId: string; context: BrowserContext }[] = [];

/** An earlier test's people leave before the next test signs anyone in (their editors and carets stay out of it). */
async function closeEarlierTestsPeople() {
	const now = base.info().testId;
	const earlier = people.filter((p) => p.testId !== now);
	people = people.filter((p) => p.testId === now);
	await Promise.all(earlier.map((p) => p.context.close()));
}

/**
 * A separate browser context per person: their own cookies, as on their own computer (or phone: `device`).
 * Signed in by the login form's own post (a new session, as the form makes it), then on the dashboard;
 * typing into the form itself is readme-start.spec.ts's test, on the server `npm run demo` starts.
 */
export async function signedInPage(browser: Browser, app: Pick<App, 'url'>, email: string, device: BrowserContextOptions = {}): Promise<Page> {
	await closeEarlierTestsPeople();
	const context = await browser.newContext({ ...device, baseURL: app.url });
	people.push({ testId: base.info().testId, context });
	// The context's request shares its cookie jar: the session cookie the answer sets is the page's.
	const signIn = await context.request.post('/login', {
		form: { email, password: DEMO_PASSWORD },
		headers: { origin: app.url, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(signIn.status(), `sign-in of ${email}`).toBe(303);
	const page = await context.newPage();
	await page.goto('/mous');
	await expect(page.getByRole('heading', { name: 'Your MOUs' })).toBeVisible();
	// Clicks right after sign-in reach the live page, as after the form's own navigation.
	await page.locator('html[data-hydrated]').waitFor();
	return page;
}

/** Makes the negotiated demo MOU signed, as signing leaves it: its agreed version, in review in 20 days. */
/**
 * The demo district's date today, in SQL: review dates are counted in the district's zone (Chicago),
 * so a date seeded from the database's UTC date would be a day off from 18:00 to midnight Chicago time.
 */
export const DISTRICT_TODAY = `(now() at time zone 'America/Chicago')::date`;

export const SIGNED_DEMO_MOU: readonly string[] = [
	`insert into mou_versions (mou_id, number, kind, label, through_seq, state, sha256)
	select m.id, 1, 'agreed', 'Agreed text', u.seq, u.update, encode(sha256(u.update), 'hex')
	from mous m join lateral (select seq, update from mou_updates where mou_id = m.id order by seq limit 1) u on true
	where m.title like '%2027–28'`,
	`update mous set status = 'signed', effective_date = ${DISTRICT_TODAY} - 345, review_interval_months = 12,
		review_due_on = ${DISTRICT_TODAY} + 20, signed_at = now() - interval '345 days'
	where title like '%2027–28'`
];

/**
 * A demo of the spec file's own (its story changes the demo), changed by `statements` before it
 * starts and run with `env()` added: started before the file's tests (after its earlier hooks), stopped
 * after them. `ready` hands its app to the file.
 */
export function ownDemo(ready: (app: App) => void, statements: readonly string[] = [], env: () => Record<string, string> = () => ({})) {
	let running: Awaited<ReturnType<typeof startDemoApp>> | undefined;
	base.beforeAll(async () => {
		base.setTimeout(120_000);
		running = await startDemoApp(env(), async (query) => {
			for (const statement of statements) await query(statement);
		});
		ready(running.app);
	});
	base.afterAll(async () => {
		await running?.stop();
	});
}

export type Smtp = Awaited<ReturnType<typeof startSmtpServer>>;

/** ownDemo that sends its mail to a mail server of the file's own (SMTP_URL), started before it and closed after it. */
export function ownDemoWithMail(ready: (app: App, smtp: Smtp) => void, statements: readonly string[] = []) {
	let smtp: Smtp | undefined;
	base.beforeAll(async () => {
		smtp = await startSmtpServer();
	});
	base.afterAll(async () => {
		await smtp?.close();
	});
	ownDemo(
		(app) => ready(app, smtp!),
		statements,
		() => ({ SMTP_URL: smtp!.url })
	);
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

/** Opens an MOU from the dashboard by its title, through its address, and waits for its live editor; returns its path. */
export async function openFromDashboard(page: Page, title: RegExp): Promise<string> {
	await page.goto('/mous');
	const href = await page.getByRole('link', { name: title }).getAttribute('href');
	await page.goto(href!);
	await expect(page.locator('.ProseMirror')).toBeVisible();
	await page.locator('html[data-hydrated]').waitFor();
	return href!;
}

/**
 * The full-length MOU page (20,000 px of clauses) at a width: axe takes seconds over it, so it is
 * scanned whole once per worker and width; a later check names what that state added on top.
 */
export const MOU_PAGE = { desktop: 'the MOU page at desktop width', phone: 'the MOU page at phone width' } as const;
const scannedWhole = new Set<string>();

/**
 * axe finds nothing on the page. With `page`, one of MOU_PAGE: if this worker already scanned that
 * page whole, only the parts of this state named in `changed` (CSS selectors) are scanned.
 */
export async function expectNoAxeViolations(page: Page, state?: { page: (typeof MOU_PAGE)[keyof typeof MOU_PAGE]; changed: string[] }) {
	let axe = new AxeBuilder({ page });
	if (state && scannedWhole.has(state.page)) {
		for (const selector of state.changed) {
			await expect(page.locator(selector).first(), `${selector} is on the page to be checked`).toBeAttached();
			axe = axe.include(selector);
		}
	}
	const results = await axe.analyze();
	const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
	expect(summary).toEqual([]);
	if (state) scannedWhole.add(state.page);
}

/**
 * What the server sends `page` over the live-editing socket, held back from `hold()` and delivered
 * in order at `release()`: the page then has not heard of a change for sure (a decision, a
 * keystroke) while the person goes on. Set up before the page opens the MOU.
 */
export async function holdCollabMessages(page: Page): Promise<{ hold(): void; release(): void }> {
	let holding = false;
	const held: Array<() => void> = [];
	await page.routeWebSocket(/\/collab\//, (socket: WebSocketRoute) => {
		const server = socket.connectToServer();
		server.onMessage((message) => (holding ? held.push(() => socket.send(message)) : socket.send(message)));
	});
	return {
		hold: () => void (holding = true),
		release: () => {
			holding = false;
			for (const send of held.splice(0)) send();
		}
	};
}

/** Types `text` at the end of the draft's first open paragraph and waits until it is saved. */
export async function typeAtEndOfFirstOpenParagraph(page: Page, text: string): Promise<void> {
	await page.locator('.ProseMirror section.clause[data-locked="false"] .clause-body p').first().click();
	await page.keyboard.press('End');
	await page.keyboard.type(text);
	await expect(page.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved');
}
