import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initialDocumentUpdate, loadTemplate } from '../../src/lib/server/templates';
import { printConditions } from '../../src/lib/templates/print';
import { readStoredMou } from '../../src/lib/document';
import { renderSignedDocx } from '../../src/lib/server/export/render';
import { formatWhen } from '../../src/lib/dates/format';
import { AGENCY_ORG, DISTRICT_ORG, certificateFor, exportContext } from './export-fixtures';

/**
 * The signed DOCX reads as an executed agreement: LibreOffice renders it to PDF, and the
 * signature clauses hold the signatures (image above the signer's rule, never over the heading
 * or line above it), dates in the district's zone, and no blank block or bracketed placeholder.
 * Positions come from poppler's pdftohtml -xml (text and image boxes per page). The signature
 * page is also rendered to PNG (SIGNED_LAYOUT_SCREENS=dir keeps it) for a person to look at.
 */

const work = mkdtempSync(join(tmpdir(), 'mou-signed-layout-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Box {
	page: number;
	top: number;
	left: number;
	width: number;
	height: number;
	text?: string;
}

function boxes(xml: string): { texts: Box[]; images: Box[] } {
	const texts: Box[] = [];
	const images: Box[] = [];
	for (const page of xml.matchAll(/<page number="(\d+)"[^>]*>([\s\S]*?)<\/page>/g)) {
		const n = Number(page[1]);
		const num = (tag: string, name: string) => Number(new RegExp(`${name}="(-?[\\d.]+)"`).exec(tag)![1]);
		for (const m of page[2].matchAll(/<image ([^>]*)\/>/g)) images.push({ page: n, top: num(m[1], 'top'), left: num(m[1], 'left'), width: num(m[1], 'width'), height: num(m[1], 'height') });
		for (const m of page[2].matchAll(/<text ([^>]*)>([\s\S]*?)<\/text>/g)) {
			texts.push({ page: n, top: num(m[1], 'top'), left: num(m[1], 'left'), width: num(m[1], 'width'), height: num(m[1], 'height'), text: m[2].replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/&#34;/g, '"').trim() });
		}
	}
	return { texts, images };
}

describe('the signed DOCX rendered by LibreOffice', () => {
	it('has each signature in its block, dated in the district’s zone, with no blank block or placeholder', async () => {
		const template = loadTemplate();
		const doc = new Y.Doc({ gc: false });
		Y.applyUpdate(doc, initialDocumentUpdate(template));
		const terms = doc.getMap<string>('terms');
		// Every required term filled, every optional one left blank but the clerk and an attorney:
		// the attorney's "approved as to form" was not signed here, so it must not print as an empty block.
		for (const term of template.terms) {
			if (!term.required) terms.set(term.key, '');
			else if (!terms.get(term.key)) terms.set(term.key, term.type === 'date' ? '2027-08-01' : term.type === 'money' ? '163800.00' : term.type === 'percent' ? '50' : term.type === 'integer' || term.type === 'months' ? '12' : term.type === 'timezone' ? 'America/Chicago' : `Sample ${term.label}`);
		}
		terms.set('clerk_name', 'Janet Cole');
		terms.set('clerk_title', 'City Clerk');
		terms.set('agency_attorney_name', 'Pat Lee');
		terms.set('agency_attorney_title', 'City Attorney');
		terms.set('agency_name', AGENCY_ORG);
		terms.set('district_name', DISTRICT_ORG);
		const state = Y.encodeStateAsUpdate(doc);
		const base = certificateFor('3f2a1c4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b', '7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a', createHash('sha256').update(state).digest('hex'));
		// 7:30 pm in Chicago on June 30 is 00:30 UTC on July 1: the block must say June 30.
		const signedAt = '2027-07-01T00:30:00.000Z';
		const certificate = {
			...base,
			zone: 'America/Chicago',
			signers: [
				{ ...base.signers[0], capacity: 'agency_head', signedAt },
				{ ...base.signers[1], capacity: 'superintendent', signedAt },
				{ ...base.signers[2], capacity: 'clerk', signedAt }
			]
		};
		const file = await renderSignedDocx({ ...exportContext(), termDefinitions: template.terms, printWhen: printConditions(template), document: readStoredMou(state), certificate });
		writeFileSync(join(work, 'signed.docx'), file.bytes);
		execFileSync('soffice', [`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', work, join(work, 'signed.docx')], { stdio: 'pipe', timeout: 110_000 });
		execFileSync('pdftohtml', ['-xml', '-q', '-zoom', '1', join(work, 'signed.pdf'), join(work, 'layout')], { stdio: 'pipe' });
		const { texts, images } = boxes(readFileSync(join(work, 'layout.xml'), 'utf8'));
		const all = texts.map((t) => t.text).join('\n');

		// No bracketed placeholder and no blank signature line anywhere in the signed copy.
		expect(all).not.toMatch(/\[[A-Z][a-z][^\]]*\]/);
		expect(all).not.toMatch(/By: _{5}|Date: _{5}|_{10}/);
		// Blocks nobody signed are left out (no board, no approval as to form); the clerk's attestation is there, signed.
		expect(texts.filter((t) => t.text === 'Board of Education' || /Approved as to form|Municipal approval|Pat Lee/.test(t.text ?? '')).map((t) => t.text)).toEqual([]);
		expect(all).toContain('ATTEST:');
		expect(all).toContain(`Attested ${formatWhen(signedAt, 'America/Chicago')}`);

		const expectedDate = formatWhen(signedAt, 'America/Chicago');
		expect(expectedDate).toMatch(/^June 30, 2027.*7:30 PM CDT$/);
		for (const [name, org] of [['Marcus Hale', AGENCY_ORG], ['Renee Ortiz', DISTRICT_ORG]] as const) {
			const heading = texts.find((t) => t.text === `For ${org}`);
			const nameLine = texts.find((t) => t.text === name && t.page === heading?.page && t.top > heading.top);
			expect(heading, `heading for ${org}`).toBeDefined();
			expect(nameLine, `name line of ${name}`).toBeDefined();
			// The signature image of this block: between the heading and the signer's printed name.
			const image = images.find((i) => i.page === heading!.page && i.top >= heading!.top && i.top < nameLine!.top);
			expect(image, `signature image of ${name}`).toBeDefined();
			expect(image!.height).toBeGreaterThan(20);
			// Not over the heading (or any line above it), and wholly above the rule and name.
			expect(image!.top).toBeGreaterThanOrEqual(heading!.top + heading!.height - 0.5);
			const above = texts.filter((t) => t.page === image!.page && t.top < image!.top).sort((a, b) => b.top - a.top)[0];
			expect(image!.top).toBeGreaterThanOrEqual(above.top + above.height - 0.5);
			expect(image!.top + image!.height).toBeLessThanOrEqual(nameLine!.top + 0.5);
			// Name, title, organization and the signing date follow in the block.
			const block = texts.filter((t) => t.page === nameLine!.page && t.top >= nameLine!.top && t.top < nameLine!.top + 80).map((t) => t.text).join(' ');
			expect(block).toContain(org);
			expect(block).toContain(`Signed ${expectedDate}`);
		}

		// The signature page as an image, for a person to look at.
		const page = texts.find((t) => t.text === `For ${AGENCY_ORG}`)!.page;
		execFileSync('pdftoppm', ['-png', '-r', '80', '-f', String(page), '-l', String(page), '-singlefile', join(work, 'signed.pdf'), join(work, 'signature-page')]);
		expect(readFileSync(join(work, 'signature-page.png')).subarray(1, 4).toString()).toBe('PNG');
		const keep = process.env.SIGNED_LAYOUT_SCREENS;
		if (keep) {
			mkdirSync(keep, { recursive: true });
			copyFileSync(join(work, 'signature-page.png'), join(keep, 'signed-signature-page.png'));
			copyFileSync(join(work, 'signed.pdf'), join(keep, 'signed.pdf'));
		}
	}, 150_000);
});
