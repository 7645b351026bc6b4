import type { Page } from '@playwright/test';
import { test, expect, DEMO, signedInPage, expectNoAxeViolations, MOU_PAGE } from './fixtures';

async function newDraft(page: Page, title: string) {
	await page.goto('/mous/new');
	await page.getByLabel('Title').fill(title);
	await page.getByRole('button', { name: 'Create draft' }).click();
	await page.waitForURL(/\/mous\/[0-9a-f-]{36}$/);
	await expect(page.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved');
}

/**
 * The locked clauses' own text. Cross-references show live numbers ("Section 6.1"), which change
 * when the parties delete the unlocked section headings around them, so they read as their target.
 */
const lockedTexts = (page: Page) =>
	page.locator('.ProseMirror section.clause[data-locked="true"] .clause-body').evaluateAll((bodies) =>
		bodies.map((body) => {
			const copy = body.cloneNode(true) as HTMLElement;
			for (const ref of copy.querySelectorAll<HTMLElement>('[data-clause-ref]')) ref.textContent = `[${ref.dataset.clauseRef}]`;
			return copy.textContent ?? '';
		})
	);

test('locked clauses resist typing, deleting, pasting, dragging and select-all-delete', async ({ browser, app }) => {
	const page = await signedInPage(browser, app, DEMO.agencyCounsel);
	await newDraft(page, 'Lock test MOU');
	const editor = page.locator('.ProseMirror');
	const locked = editor.locator('section.clause[data-locked="true"]:not([data-nasro=""])').first();
	const lockedParagraph = locked.locator('.clause-body p').first();
	await expect(locked.locator('.clause-lock')).toContainText(/Locked — NASRO/);
	const before = await lockedTexts(page);
	expect(before.length).toBeGreaterThanOrEqual(20);

	// Typing and deleting inside the clause.
	await lockedParagraph.click();
	await page.keyboard.type('ZZZ');
	for (const key of ['Backspace', 'Backspace', 'Delete', 'Delete', 'Enter']) await page.keyboard.press(key);
	await expect(page.locator('.lock-message')).toContainText('is locked');
	expect(await lockedTexts(page)).toEqual(before);

	// Formatting a selected word.
	await lockedParagraph.dblclick();
	await page.keyboard.press('Control+b');
	await expect(locked.locator('strong')).toHaveCount(await locked.locator('strong').count());
	expect(await lockedTexts(page)).toEqual(before);

	// Pasting over a selection inside it.
	await lockedParagraph.dblclick();
	await editor.evaluate((el) => {
		const data = new DataTransfer();
		data.setData('text/plain', 'PASTED OVER');
		el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
	});
	expect(await lockedTexts(page)).toEqual(before);
	await expect(editor).not.toContainText('PASTED OVER');

	// Dragging selected locked text into an open clause.
	const open = editor.locator('section.clause[data-locked="false"] .clause-body p').first();
	await lockedParagraph.dblclick();
	await lockedParagraph.dragTo(open);
	expect(await lockedTexts(page)).toEqual(before);

	// Select all and delete: only what lies around the locked clauses goes.
	await editor.click();
	await page.keyboard.press('Control+a');
	await page.keyboard.press('Delete');
	await expect(editor.locator('section.clause[data-locked="false"]')).toHaveCount(0);
	expect(await lockedTexts(page)).toEqual(before);

	// Text around a locked clause is the parties' own.
	await page.keyboard.type('A provision the parties add themselves.');
	await expect(editor).toContainText('A provision the parties add themselves.');
	await expect(page.locator('[data-save-state]')).toHaveAttribute('data-save-state', 'saved');

	// The server kept exactly that.
	await page.reload();
	await expect(page.locator('.ProseMirror')).toContainText('A provision the parties add themselves.');
	expect(await lockedTexts(page)).toEqual(before);
});

test('the compliance panel follows a recommended clause being removed and restored', async ({ browser, app }) => {
	test.slow(); // a full-length draft, an axe scan of it and two clause round trips on a shared machine
	const page = await signedInPage(browser, app, DEMO.agencyCounsel);
	await newDraft(page, 'Compliance test MOU');
	const panel = page.locator('section.compliance');
	// The text is all there; the expenses item waits on the cost per SRO, and the panel says so.
	await expect(panel.locator('.summary')).toContainText('1 of 21 mandatory items not covered; all 13 recommended covered');
	await expect(panel.locator('.readiness')).toContainText('Mandatory item NASRO 01.01.04-j needs a valid value for “Annual cost per SRO”');

	const recommended = page.locator('.ProseMirror section.clause[data-level="recommended"]').first();
	const clauseId = await recommended.getAttribute('data-clause-id');
	const title = (await recommended.locator('.clause-title').innerText()).trim();
	await recommended.getByRole('button', { name: `Remove clause: ${title}` }).click();
	await expect(page.locator(`.ProseMirror section.clause[data-clause-id="${clauseId}"]`)).toHaveCount(0);
	await expect(panel.locator('.summary')).toContainText(/1 of 13 recommended removed/);
	await expect(panel.locator('li.status-missing')).toHaveCount(1);

	await expectNoAxeViolations(page, { page: MOU_PAGE.desktop, changed: ['section.compliance'] });

	await panel.getByRole('button', { name: /Restore the template clause/ }).click();
	await expect(page.locator(`.ProseMirror section.clause[data-clause-id="${clauseId}"]`)).toHaveCount(1);
	await expect(panel.locator('.summary')).toContainText('all 13 recommended covered');

	// Terms are typed and validated: shares must add up to 100.
	const agencyShare = page.getByLabel(/Agency's share of the cost/);
	await agencyShare.fill('70');
	await agencyShare.blur();
	await expect(page.locator('section.terms-panel')).toContainText('must add up to 100% (now 120%)');
	await expect(panel).toContainText('Not ready for signature');
});

test('terms sync live into the text, and a signatory can read but not change them', async ({ browser, app }) => {
	const counsel = await signedInPage(browser, app, DEMO.agencyCounsel);
	await newDraft(counsel, 'Terms test MOU'); // in negotiation a term change is a proposal (redline tests)
	const chief = await signedInPage(browser, app, DEMO.chief);
	await chief.goto(counsel.url());
	await expect(chief.locator('section.compliance .summary')).toContainText('mandatory');
	await expect(chief.getByLabel(/Agency's share of the cost/)).toHaveAttribute('readonly', '');
	await expect(chief.getByRole('button', { name: /Remove clause/ })).toHaveCount(0);

	const schools = counsel.getByLabel(/Schools covered/);
	await schools.fill('Springfield High School and Lincoln Middle School');
	// Inline wherever the template uses the term, including inside locked clauses, for the other reader too.
	await expect(chief.locator('.ProseMirror [data-term="schools_covered"]').first()).toHaveText('Springfield High School and Lincoln Middle School');
	await expect(chief.getByLabel(/Schools covered/)).toHaveValue('Springfield High School and Lincoln Middle School');
});
