import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test, expect, type Page } from '@playwright/test';
import { DEMO, DEMO_PASSWORD } from '../helpers/demo';
import { expectNoAxeViolations } from './fixtures';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** What a newcomer's shell has: no ORIGIN, no DATABASE_URL, no PORT — only what the README asks for. */
const NEWCOMER_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root };

let demo: ChildProcess;
let url: string;

function portTaken(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = createConnection({ port, host: '127.0.0.1' }, () => (socket.destroy(), resolve(true)));
		socket.on('error', () => resolve(false));
	});
}

/** `npm run demo` exactly as the README says, in the checkout, on its default port; resolves with the URL it prints. */
async function startAsTheReadmeSays(): Promise<string> {
	// Another checkout's run of this test may hold the default port for a moment.
	for (let waited = 0; (await portTaken(3000)) && waited < 120; waited++) await new Promise((r) => setTimeout(r, 1_000));
	demo = spawn('npm', ['run', 'demo'], { cwd: root, env: NEWCOMER_ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	let output = '';
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`npm run demo did not start:\n${output}`)), 150_000);
		const read = (chunk: Buffer) => {
			output += chunk;
			const printed = /MOU Studio is running at (http:\/\/\S+)/.exec(output);
			if (printed) {
				clearTimeout(timer);
				resolve(printed[1]);
			}
		};
		demo.stdout!.on('data', read);
		demo.stderr!.on('data', read);
		demo.on('exit', (code) => reject(new Error(`npm run demo exited with ${code}:\n${output}`)));
	});
}

test.beforeAll(async () => {
	test.setTimeout(200_000);
	url = await startAsTheReadmeSays();
});

test.afterAll(async () => {
	if (demo?.pid && demo.exitCode === null) {
		const exited = new Promise((resolve) => demo.once('exit', resolve));
		process.kill(-demo.pid, 'SIGTERM');
		await exited;
	}
});

async function signIn(page: Page, email: string) {
	await page.locator('html[data-hydrated]').waitFor();
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a newcomer signs in on the URL the demo prints, and on localhost', async ({ browser }) => {
	expect(url).toBe('http://127.0.0.1:3000');
	for (const [address, email] of [
		[url, DEMO.agencyCounsel],
		[url.replace('127.0.0.1', 'localhost'), DEMO.districtCounsel]
	]) {
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(`${address}/login`);
		await signIn(page, email);
		await page.waitForURL('**/mous');
		await expect(page.getByRole('heading', { name: 'Your MOUs' })).toBeVisible();
		await expect(page.getByRole('link', { name: /SRO MOU, 2027–28/ })).toBeVisible();
		// The live document connects too (its websocket passes the same-origin check).
		await page.getByRole('link', { name: /SRO MOU, 2027–28/ }).click();
		await expect(page.getByText('All changes saved')).toBeVisible();
		await context.close();
	}
});

test('a form post the server refuses tells the person why and keeps what they typed', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	// The post reaches the real server as if from another site; the page gets the server's real answer.
	await page.route('**/login', async (route) => {
		if (route.request().method() !== 'POST') return route.continue();
		const response = await route.fetch({ headers: { ...route.request().headers(), origin: 'http://evil.example' } });
		expect(response.status()).toBe(403);
		await route.fulfill({ response });
	});
	await page.goto(`${url}/login`);
	await signIn(page, DEMO.agencyCounsel);
	await expect(page.getByRole('alert')).toContainText('Cross-site POST form submissions are forbidden');
	await expect(page.getByLabel('Email')).toHaveValue(DEMO.agencyCounsel);
	await expect(page).toHaveURL(/\/login$/);
	await expectNoAxeViolations(page);
	await context.close();
});
