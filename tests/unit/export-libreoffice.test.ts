import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStoredMou } from '../../src/lib/document';
import { renderCleanDocx, renderRedlineDocx, renderSignedDocx } from '../../src/lib/server/export/render';
import { AGENCY_ORG, DISTRICT_ORG, certificateFor, exportContext, negotiatedState } from './export-fixtures';

/**
 * Round trip through another word processor: LibreOffice (Debian's libreoffice-writer-nogui,
 * which .ci/run installs) opens each exported DOCX and converts it to PDF, and the PDF's text
 * (poppler's pdftotext) has the clauses and, for the signed MOU, the signers.
 */

const work = mkdtempSync(join(tmpdir(), 'mou-export-lo-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function pdfText(name: string): string {
	return execFileSync('pdftotext', ['-layout', join(work, `${name}.pdf`), '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, ' ');
}

describe('LibreOffice opens every exported DOCX', () => {
	it('converts the redline, a clean copy and the signed MOU to PDF with their text', async () => {
		const state = negotiatedState();
		const document = readStoredMou(state);
		const context = exportContext();
		const certificate = certificateFor(context.mouId, '7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a', createHash('sha256').update(state).digest('hex'));
		const threads = [
			{
				id: 't',
				quote: 'The District keeps its schools safe.',
				resolved: false,
				comments: [{ authorName: 'Elena Brooks', party: 'district' as const, body: 'Say more?', createdAt: new Date() }]
			}
		];
		const files = {
			redline: await renderRedlineDocx({ ...context, document, threads }),
			clean: await renderCleanDocx({ ...context, document, versionLabel: 'Current draft', isDraft: true }),
			signed: await renderSignedDocx({ ...context, document, certificate })
		};
		for (const [name, file] of Object.entries(files)) writeFileSync(join(work, `${name}.docx`), file.bytes);

		// Its own profile directory, so a LibreOffice running elsewhere on the machine does not interfere.
		execFileSync(
			'soffice',
			[
				`-env:UserInstallation=file://${join(work, 'profile')}`,
				'--headless',
				'--convert-to',
				'pdf',
				'--outdir',
				work,
				...Object.keys(files).map((n) => join(work, `${n}.docx`))
			],
			{ stdio: 'pipe', timeout: 110_000 }
		);
		for (const name of Object.keys(files))
			expect(
				readFileSync(join(work, `${name}.pdf`))
					.subarray(0, 5)
					.toString()
			).toBe('%PDF-');

		// The tracked changes and the comment survive as such, under their authors' names.
		execFileSync(
			'soffice',
			[`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--convert-to', 'fodt', '--outdir', work, join(work, 'redline.docx')],
			{ stdio: 'pipe', timeout: 110_000 }
		);
		const flat = readFileSync(join(work, 'redline.fodt'), 'utf8');
		const regions = [...flat.matchAll(/<text:(insertion|deletion)>\s*<office:change-info>\s*<dc:creator>([^<]*)<\/dc:creator>/g)].map(
			(m) => `${m[1]} by ${m[2]}`
		);
		expect(regions).toContain(`insertion by Dana Whitfield (${AGENCY_ORG})`);
		expect(regions).toContain(`deletion by Elena Brooks (${DISTRICT_ORG})`);
		expect(regions.length).toBeGreaterThanOrEqual(5);
		expect(flat).toMatch(/<office:annotation [^>]*>\s*<dc:creator>Elena Brooks \(Springfield Unified School District\)<\/dc:creator>[\s\S]*?Say more\?/);

		const redline = pdfText('redline');
		for (const expected of [
			'Memorandum of Understanding',
			'1.1 Parties',
			'2.1 General duties',
			'3.1 Signatures of the Parties',
			'promptly',
			'Required — NASRO 01.01.03'
		]) {
			expect(redline, expected).toContain(expected);
		}
		const clean = pdfText('clean');
		expect(clean).toContain('2.1 General duties');
		expect(clean).toContain(`entered into by ${AGENCY_ORG}`);
		expect(clean).not.toContain('promptly');

		const signed = pdfText('signed');
		// Section headings are set in capitals.
		for (const expected of [
			'1.2 Recitals',
			'3.1 Signatures of the Parties',
			`For ${AGENCY_ORG}`,
			`For ${DISTRICT_ORG}`,
			'Marcus Hale',
			'Renee Ortiz',
			'Janet Cole',
			'CERTIFICATE OF COMPLETION',
			certificate.fingerprint
		]) {
			expect(signed, expected).toContain(expected);
		}
		expect(signed).toMatch(/Page 1 of \d/);
	}, 120_000);
});
