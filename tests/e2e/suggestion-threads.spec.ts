import { test, expect, type APIRequestContext, type Page } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import type { RunningApp } from '../helpers/app';
import { DEMO } from '../helpers/demo';
import { expectNoAxeViolations, MOU_PAGE, openFromDashboard, ownDemo, signedInPage } from './fixtures';

/**
 * A thread on a suggestion, two counsel in their own browsers: the agency suggests a sentence, the
 * district asks "why this change?" on the suggestion itself, the agency sees the question arrive
 * and answers (and keeps a note internal), the district reads the answer — never the note — and
 * accepts; the decision in the history carries the thread, read-only. Hostile posts to the form
 * action are refused: another party's internal thread, ids from elsewhere, people who are not counsel.
 */

let demo: RunningApp;
ownDemo((own) => (demo = own));

const SHOTS = '/work/notes/screens/threads';
const NEGOTIATION = /SRO MOU, 2027–28$/;
const DRAFT = /SRO MOU, 2028–29 \(agency draft\)/;
const SENTENCE = ' Officers file a written summary of their work each quarter.';
const QUESTION = 'Why this change? Our principals already get a monthly report.';
const ANSWER = 'The state grant requires a quarterly summary; the monthly report stays.';
const NOTE = 'AGENCY NOTE: we could live without this if pressed.';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

async function shots(page: Page, name: string, focus: ReturnType<Page['locator']>) {
	for (const [w, h] of [
		[1366, 900],
		[390, 844]
	]) {
		await page.setViewportSize({ width: w, height: h });
		await focus.evaluate((el) => el.scrollIntoView({ block: 'center' }));
		if (process.env.UX_SCREENSHOTS) await page.screenshot({ path: `${SHOTS}/${name}-${w}.png` });
		// Nothing on the page is wider than the phone's screen.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(w);
	}
	await page.setViewportSize({ width: 1366, height: 900 });
}

/** A form post from this person's browser session, as a page without JavaScript sends it. */
async function post(request: APIRequestContext, origin: string, path: string, form: Record<string, string>) {
	const response = await request.post(path, { form, headers: { origin, accept: 'text/html' }, maxRedirects: 0 });
	return response.status();
}

/** The ids in the page's data as this person loads it (SvelteKit's __data.json). */
async function idsInPageData(request: APIRequestContext, path: string): Promise<Set<string>> {
	const text = await (await request.get(`${path}/__data.json`)).text();
	return new Set(text.match(UUID) ?? []);
}

test('counsel discuss a suggestion on the suggestion itself; the thread goes into the history with the decision', async ({ browser }) => {
	test.setTimeout(360_000);
	const agency = await signedInPage(browser, demo, DEMO.agencyCounsel);
	const district = await signedInPage(browser, demo, DEMO.districtCounsel);
	const mouPath = await openFromDashboard(agency, NEGOTIATION);
	await openFromDashboard(district, NEGOTIATION);

	// The agency suggests a sentence at the end of the first clause anyone may edit.
	const paragraph = agency.locator('.ProseMirror section.clause[data-locked="false"] .clause-body p').first();
	await paragraph.click();
	await agency.keyboard.press('End');
	await agency.keyboard.type(SENTENCE);
	await expect(agency.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved');

	// The district replies on the suggestion itself.
	const districtPanel = district.locator('section.suggestions-panel');
	const districtItem = districtPanel.locator('li.item', { hasText: SENTENCE.trim().slice(0, 30) });
	await expect(districtItem).toHaveCount(1);
	const suggestionId = await districtItem.locator('input.pick').getAttribute('value');
	expect(suggestionId).toMatch(/^[A-Za-z0-9_-]+$/);
	await districtItem.getByRole('button', { name: /^Reply — / }).click();
	await districtItem.getByLabel('Reply to this suggestion').fill(QUESTION);
	await districtItem.getByRole('button', { name: 'Reply', exact: true }).click();
	await expect(districtItem.getByRole('list', { name: /Replies to/ })).toContainText(QUESTION);
	await expect(districtItem.getByLabel('Reply to this suggestion')).toHaveValue('');

	// The agency sees the question arrive without reloading, and answers; then keeps a note to itself.
	const agencyItem = agency.locator('section.suggestions-panel li.item', { hasText: SENTENCE.trim().slice(0, 30) });
	const agencyToggle = agencyItem.getByRole('button', { name: /^1 reply — / });
	await expect(agencyToggle).toBeVisible();
	await agencyToggle.click();
	await expect(agencyItem.getByRole('list', { name: /Replies to/ })).toContainText(QUESTION);
	await expect(agencyItem.getByRole('list', { name: /Replies to/ })).toContainText('Springfield Unified School District');
	await agencyItem.getByLabel('Reply to this suggestion').fill(ANSWER);
	await agencyItem.getByRole('button', { name: 'Reply', exact: true }).click();
	await expect(agencyItem.getByRole('list', { name: /Replies to/ })).toContainText(ANSWER);
	await agencyItem.getByLabel('Reply to this suggestion').fill(NOTE);
	await agencyItem.getByLabel('Who reads it').selectOption('internal');
	await agencyItem.getByRole('button', { name: 'Reply', exact: true }).click();
	await expect(agencyItem.locator('li.reply.internal')).toContainText(NOTE);
	// The next reply is shared again unless the agency chooses otherwise.
	await expect(agencyItem.getByLabel('Who reads it')).toHaveValue('shared');
	await expect(agencyItem.getByRole('button', { name: /^3 replies — / })).toBeVisible();
	await expectNoAxeViolations(agency, { page: MOU_PAGE.desktop, changed: ['section.suggestions-panel'] });
	await shots(agency, 'suggestion-thread-agency', agencyItem);

	// The district reads the answer live, never the agency's internal note.
	await expect(districtItem.getByRole('button', { name: /^2 replies — / })).toBeVisible();
	await expect(districtItem.getByRole('list', { name: /Replies to/ })).toContainText(ANSWER);
	await expect(district.locator('body')).not.toContainText(NOTE);
	await expectNoAxeViolations(district, { page: MOU_PAGE.desktop, changed: ['section.suggestions-panel'] });
	await shots(district, 'suggestion-thread-district', districtItem);

	// Hostile posts at the form action, from the district's own session.
	const origin = demo.url;
	const theirs = await idsInPageData(agency.request, mouPath);
	const mine = await idsInPageData(district.request, mouPath);
	const agencyOnly = [...theirs].filter((id) => !mine.has(id));
	// The agency's internal thread is among the ids only the agency's page has; replying into any of them finds nothing.
	expect(agencyOnly.length).toBeGreaterThan(0);
	for (const thread of agencyOnly) expect(await post(district.request, origin, `${mouPath}?/reply`, { thread, body: 'Peeking in' })).toBe(404);
	const internalOnly = (extra: Record<string, string> = {}) => ({ suggestion: suggestionId!, body: 'Sneaky', visibility: 'shared', ...extra });
	// A suggestion id that is not in this MOU, and this suggestion's id posted to an MOU that is not the district's.
	expect(await post(district.request, origin, `${mouPath}?/replySuggestion`, internalOnly({ suggestion: 'not-in-this-mou' }))).toBe(404);
	const draftPath = await openFromDashboard(agency, DRAFT);
	await agency.goto(mouPath);
	expect(await post(district.request, origin, `${draftPath}?/replySuggestion`, internalOnly())).toBe(404);
	// Only counsel reply: the superintendent (a signatory) and a viewer are refused.
	for (const email of [DEMO.superintendent, DEMO.districtViewer]) {
		const other = await signedInPage(browser, demo, email);
		expect(await post(other.request, origin, `${mouPath}?/replySuggestion`, internalOnly())).toBe(403);
		await other.context().close();
	}
	// Another site's page posting with the district's cookie is refused before any rule runs.
	expect(await post(district.request, 'https://evil.example', `${mouPath}?/replySuggestion`, internalOnly())).toBe(403);
	await agency.reload();
	const reloadedItem = agency.locator('section.suggestions-panel li.item', { hasText: SENTENCE.trim().slice(0, 30) });
	await expect(reloadedItem.getByRole('button', { name: /^3 replies — / })).toBeVisible();
	await expect(agency.locator('body')).not.toContainText('Sneaky');
	await expect(agency.locator('body')).not.toContainText('Peeking in');

	// The redline either party downloads carries the shared replies as a Word comment thread on the change, never the internal note.
	for (const page of [district, agency]) {
		const file = await page.request.get(`${mouPath}/export/redline`);
		expect(file.status()).toBe(200);
		const parts = unzipSync(new Uint8Array(await file.body()));
		const comments = strFromU8(parts['word/comments.xml']);
		expect(comments).toContain('Why this change?');
		expect(comments).toContain('The state grant requires a quarterly summary');
		expect(Object.values(parts).some((part) => strFromU8(part).includes('AGENCY NOTE'))).toBe(false);
		const documentXml = strFromU8(parts['word/document.xml']);
		expect(documentXml).toMatch(/<w:commentRangeStart w:id="\d+"\/>(<w:commentRangeStart w:id="\d+"\/>)?<w:ins [^>]*>.*?Officers file a written summary/);
	}
	await district.goto(`${mouPath}/export`);
	await expect(district.getByText('the shared replies to a suggestion are a comment on that change')).toBeVisible();
	await expectNoAxeViolations(district);
	await shots(district, 'export-page', district.getByRole('heading', { name: 'Redline of the current draft' }));
	await district.goto(mouPath);
	await expect(district.locator('.ProseMirror')).toBeVisible();

	// The district accepts; the thread stays with the decision in the history, read-only, for both.
	await districtItem.getByRole('button', { name: /^Accept: / }).click();
	await expect(districtPanel.locator('li.item', { hasText: SENTENCE.trim().slice(0, 30) })).toHaveCount(0);
	for (const [page, count] of [
		[district, 2],
		[agency, 3]
	] as const) {
		const decision = page.locator('section.history li.event', { hasText: /accepted/ }).first();
		await expect(decision).toContainText(SENTENCE.trim().slice(0, 30));
		const discussion = decision.locator('details.discussion');
		await expect(discussion.locator('summary')).toHaveText(`Discussion: ${count} replies`);
		await discussion.locator('summary').click();
		await expect(discussion).toContainText(QUESTION);
		await expect(discussion).toContainText(ANSWER);
		await expect(discussion.locator('textarea')).toHaveCount(0);
	}
	await expect(district.locator('section.history')).not.toContainText(NOTE);
	await expect(agency.locator('section.history')).toContainText(NOTE);
	// The decided suggestion takes no more replies at the form action either.
	expect(await post(district.request, origin, `${mouPath}?/replySuggestion`, internalOnly({ body: 'One more thing' }))).toBe(400);
	await expectNoAxeViolations(district, { page: MOU_PAGE.desktop, changed: ['section.suggestions-panel', 'section.history'] });
	await shots(district, 'suggestion-thread-history', district.locator('section.history details.discussion').first());
});
