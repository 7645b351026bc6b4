import { chromium, type Browser, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { DEMO, DEMO_PASSWORD, startDemoApp } from '../tests/helpers/demo';
async function signIn(browser: Browser, url: string, email: string): Promise<Page> {
	const page = await (await browser.newContext({ baseURL: url, viewport: { width: 1366, height: 900 } })).newPage();
	await page.goto('/login');
	await page.locator('html[data-hydrated]').waitFor();
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL('**/mous');
	return page;
}
const demo = await startDemoApp();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
	const agency = await signIn(browser, demo.app.url, DEMO.agencyCounsel);
	const district = await signIn(browser, demo.app.url, DEMO.districtCounsel);
	const href = (await agency.getByRole('link', { name: /SRO MOU, 2027–28$/ }).getAttribute('href'))!;
	await agency.goto(href);
	await agency.locator('[data-save-state="saved"]').waitFor();
	await agency.getByRole('button', { name: /Send to .*…/ }).click();
	await agency.getByRole('button', { name: 'Send Round 1' }).click();
	await agency.locator('section.negotiation-bar').getByText(/Round 1 — sent by/).first().waitFor();
	await agency.getByRole('button', { name: /^Approve this version/ }).click();
	await agency.getByText('Your approval is recorded').waitFor();
	await district.goto(href);
	await district.locator('[data-save-state="saved"]').waitFor();
	await district.waitForTimeout(1000);
	const cdp = await district.context().newCDPSession(district);
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
	await cdp.send('Profiler.start');
	const t = Date.now();
	await district.getByRole('button', { name: /^Approve this version/ }).click();
	await district.getByRole('heading', { name: 'Agreed — frozen for signature' }).waitFor();
	console.log('agreed after', Date.now() - t);
	await district.waitForTimeout(300);
	const { profile } = await cdp.send('Profiler.stop');
	writeFileSync('/tmp/uispeed/approve.cpuprofile', JSON.stringify(profile));
	const self = new Map<string, number>();
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const dt = profile.timeDeltas!;
	const counts = new Map<number, number>();
	profile.samples!.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
	for (const [id, us] of counts) {
		const n = byId.get(id)!;
		const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
		self.set(key, (self.get(key) ?? 0) + us);
	}
	console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, us]) => `${(us / 1000).toFixed(1).padStart(7)} ms ${k}`).join('\n'));
} finally {
	await browser.close();
	await demo.stop();
}
