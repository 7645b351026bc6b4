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
import { layoutOf, signatureBlock } from '../helpers/pdf-layout';

/**
 * The signed DOCX reads as an executed agreement: LibreOffice renders it to PDF, and the
 * signature clauses hold the signatures (image above the signer's rule, never over the heading
 * or line above it), dates in the district's zone, and no blank block or bracketed placeholder.
 * Positions come from poppler's pdftohtml -xml (text and image boxes per page). The signature
 * page is also rendered to PNG (SIGNED_LAYOUT_SCREENS=dir keeps it) for a person to look at.
 */

const work = mkdtempSync(join(tmpdir(), 'mou-signed-layout-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

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
			else if (!terms.get(term.key))
				terms.set(
					term.key,
					term.type === 'date'
						? '2027-08-01'
						: term.type === 'money'
							? '163800.00'
							: term.type === 'percent'
								? '50'
								: term.type === 'integer' || term.type === 'months'
									? '12'
									: term.type === 'timezone'
										? 'America/Chicago'
										: `Sample ${term.label}`
				);
		}
		terms.set('clerk_name', 'Janet Cole');
		terms.set('clerk_title', 'City Clerk');
		terms.set('agency_attorney_name', 'Pat Lee');
		terms.set('agency_attorney_title', 'City Attorney');
		terms.set('agency_name', AGENCY_ORG);
		terms.set('district_name', DISTRICT_ORG);
		const state = Y.encodeStateAsUpdate(doc);
		const base = certificateFor(
			'3f2a1c4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
			'7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a',
			createHash('sha256').update(state).digest('hex')
		);
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
		const file = await renderSignedDocx({
			...exportContext(),
			termDefinitions: template.terms,
			printWhen: printConditions(template),
			document: readStoredMou(state),
			certificate
		});
		writeFileSync(join(work, 'signed.docx'), file.bytes);
		const { pdf, texts, images } = layoutOf(join(work, 'signed.docx'), work);
		const all = texts.map((t) => t.text).join('\n');

		// No bracketed placeholder and no blank signature line anywhere in the signed copy.
		expect(all).not.toMatch(/\[[A-Z][a-z][^\]]*\]/);
		expect(all).not.toMatch(/By: _{5}|Date: _{5}|_{10}/);
		// Blocks nobody signed are left out (no board, no approval as to form); the clerk's attestation is there, signed.
		expect(
			texts.filter((t) => t.text === 'Board of Education' || /Approved as to form|Municipal approval|Pat Lee/.test(t.text ?? '')).map((t) => t.text)
		).toEqual([]);
		expect(all).toContain('ATTEST:');
		expect(all).toContain(`Attested ${formatWhen(signedAt, 'America/Chicago')}`);

		const expectedDate = formatWhen(signedAt, 'America/Chicago');
		expect(expectedDate).toMatch(/^June 30, 2027.*7:30 PM CDT$/);
		for (const [name, org] of [
			['Marcus Hale', AGENCY_ORG],
			['Renee Ortiz', DISTRICT_ORG]
		] as const) {
			const { problems, nameLine } = signatureBlock(texts, images, `For ${org}`, name);
			// The image sits between the heading and the signer's rule: over neither the heading nor any line above it.
			expect(problems, name).toEqual([]);
			// Name, title, organization and the signing date follow in the block.
			const block = texts
				.filter((t) => t.page === nameLine!.page && t.top >= nameLine!.top && t.top < nameLine!.top + 80)
				.map((t) => t.text)
				.join(' ');
			expect(block).toContain(org);
			expect(block).toContain(`Signed ${expectedDate}`);
		}

		// The signature page as an image, for a person to look at.
		const page = texts.find((t) => t.text === `For ${AGENCY_ORG}`)!.page;
		execFileSync('pdftoppm', ['-png', '-r', '80', '-f', String(page), '-l', String(page), '-singlefile', pdf, join(work, 'signature-page')]);
		expect(readFileSync(join(work, 'signature-page.png')).subarray(1, 4).toString()).toBe('PNG');
		const keep = process.env.SIGNED_LAYOUT_SCREENS;
		if (keep) {
			mkdirSync(keep, { recursive: true });
			copyFileSync(join(work, 'signature-page.png'), join(keep, 'signed-signature-page.png'));
			copyFileSync(pdf, join(keep, 'signed.pdf'));
		}
	}, 150_000);
});
