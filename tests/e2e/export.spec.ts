import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { test, expect, DEMO, signedInPage, expectNoAxeViolations, openDemoMou } from './fixtures';

test('counsel downloads the redline and a clean copy; anyone checks a file on the verification page', async ({ browser, app }) => {
	const page = await signedInPage(browser, app, DEMO.districtCounsel);
	const mouUrl = await openDemoMou(page);
	await page.goto(`${mouUrl}/export`);
	await expect(page.getByRole('heading', { name: 'Download as Word' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Signed MOU' })).toBeVisible();
	await expect(page.getByText('Available once every signer has signed.')).toBeVisible();
	await expectNoAxeViolations(page);

	// The redline: a real DOCX, with the demo's text in it.
	const [redline] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the redline (.docx)' }).click()]);
	expect(redline.suggestedFilename()).toMatch(/-redline-\d{4}-\d{2}-\d{2}\.docx$/);
	const redlinePath = await redline.path();
	const parts = unzipSync(new Uint8Array(readFileSync(redlinePath!)));
	const xml = strFromU8(parts['word/document.xml']);
	expect(xml).toContain('School Resource Officer');
	expect(strFromU8(parts['docProps/custom.xml'])).toContain(mouUrl.split('/').pop()!);

	const [clean] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Current draft' }).click()]);
	expect(clean.suggestedFilename()).toMatch(/-current-draft-clean\.docx$/);
	expect(strFromU8(unzipSync(new Uint8Array(readFileSync((await clean.path())!)))['word/document.xml'])).not.toMatch(/<w:(ins|del)\b/);

	// Someone without an account checks the redline: an export of this MOU, not a signed MOU.
	const stranger = await browser.newContext({ baseURL: app.url });
	const verify = await stranger.newPage();
	await verify.goto('/verify');
	await verify.locator('html[data-hydrated]').waitFor();
	await expect(verify.getByRole('heading', { name: 'Verify a signed MOU' })).toBeVisible();
	await verify.getByLabel(/Signed MOU \(\.docx\)/).setInputFiles(redlinePath!);
	await verify.getByRole('button', { name: 'Check the file' }).click();
	await expect(verify.getByRole('heading', { name: /^A draft or clean export of “.+”, not a signed MOU$/ })).toBeVisible();
	await expect(verify.getByText(/File SHA-256: [0-9a-f]{64}/)).toBeVisible();
	await expectNoAxeViolations(verify);

	// A text file gets a clear refusal, not an error page.
	await verify
		.getByLabel(/Signed MOU \(\.docx\)/)
		.setInputFiles({ name: 'notes.docx', mimeType: 'application/octet-stream', buffer: Buffer.from('just some text') });
	await verify.getByRole('button', { name: 'Check the file' }).click();
	await expect(verify.getByRole('heading', { name: 'The file was not checked' })).toBeVisible();
	await expect(verify.getByText(/This is not a Word document/)).toBeVisible();

	// A file over the size limit is refused before it is even sent.
	await verify
		.getByLabel(/Signed MOU \(\.docx\)/)
		.setInputFiles({ name: 'huge.docx', mimeType: 'application/octet-stream', buffer: Buffer.alloc(11 * 1024 * 1024) });
	await verify.getByRole('button', { name: 'Check the file' }).click();
	await expect(verify.getByRole('alert')).toContainText('files over 10 MB are not checked');

	// Downloads need sign-in: a stranger is sent to sign in.
	const response = await verify.request.get(`${mouUrl}/export/redline`, { maxRedirects: 0 });
	expect(response.status()).toBe(303);
	expect(response.headers().location).toMatch(/^\/login\?redirectTo=/);
	await stranger.close();
});
