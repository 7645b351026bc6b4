import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { inspectDocx } from '../../src/lib/server/export/zip-guard';
import { checkUploadSize, MAX_UPLOAD_BYTES } from '../../src/lib/server/export/verify';
import { readStoredMou } from '../../src/lib/document';
import { renderCleanDocx } from '../../src/lib/server/export/render';
import { exportContext, negotiatedState } from './export-fixtures';

const docx = async () =>
	(await renderCleanDocx({ ...exportContext(), document: readStoredMou(negotiatedState()), versionLabel: 'Current draft', isDraft: true })).bytes;

const DOCUMENT_XML = strToU8('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>');

/** Rewrites one central-directory entry's declared uncompressed size, as a crafted file would. */
function declareSize(zip: Uint8Array, name: string, size: number): Uint8Array {
	const bytes = zip.slice();
	const view = new DataView(bytes.buffer);
	for (let at = 0; at + 46 < bytes.length; at++) {
		if (view.getUint32(at, true) !== 0x02014b50) continue;
		const length = view.getUint16(at + 28, true);
		if (new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + length)) === name) {
			view.setUint32(at + 24, size, true);
			return bytes;
		}
	}
	throw new Error(`${name} not in the zip`);
}

describe('checking an upload is a DOCX before trusting it', () => {
	it('accepts a DOCX MOU Studio wrote', async () => {
		expect(inspectDocx(await docx())).toEqual({ ok: true, entries: expect.any(Number) });
	});

	it('refuses a text file, random bytes and a truncated DOCX as not a Word document', async () => {
		const text = inspectDocx(strToU8('This is the MOU, honestly.\n'.repeat(100)));
		expect(text).toMatchObject({ ok: false, reason: 'not-zip' });
		const random = new Uint8Array(200_000).map((_, i) => (i * 7919) % 251);
		expect(inspectDocx(random)).toMatchObject({ ok: false, reason: 'not-zip' });
		const whole = await docx();
		expect(inspectDocx(whole.subarray(0, Math.floor(whole.length / 2)))).toMatchObject({ ok: false });
		expect(inspectDocx(new Uint8Array(0))).toMatchObject({ ok: false, reason: 'not-zip' });
	});

	it('refuses a ZIP that is not a Word document', () => {
		const zip = zipSync({ 'notes.txt': strToU8('hello') });
		expect(inspectDocx(zip)).toMatchObject({ ok: false, reason: 'not-docx', detail: expect.stringContaining('word/document.xml') });
		const fake = zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': strToU8('<html>not word</html>') });
		expect(inspectDocx(fake)).toMatchObject({ ok: false, reason: 'not-docx' });
	});

	it('refuses a zip bomb by its compression ratio without inflating it', () => {
		const bomb = zipSync(
			{ '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': DOCUMENT_XML, 'word/media/image1.png': new Uint8Array(8 * 1024 * 1024) },
			{ level: 6 }
		);
		expect(bomb.length).toBeLessThan(50_000);
		const started = performance.now();
		expect(inspectDocx(bomb)).toMatchObject({ ok: false, reason: 'zip-bomb', detail: expect.stringContaining('compressed more than') });
		expect(performance.now() - started).toBeLessThan(100);
	});

	it('refuses an entry that declares a huge size, and too many entries', async () => {
		const huge = declareSize(await docx(), 'word/styles.xml', 0x7fff_ffff);
		expect(inspectDocx(huge)).toMatchObject({ ok: false, reason: 'zip-bomb', detail: expect.stringContaining('would unpack to') });
		const files: Record<string, Uint8Array> = { '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': DOCUMENT_XML };
		for (let i = 0; i < 1_200; i++) files[`word/parts/p${i}.xml`] = strToU8('<x/>');
		expect(inspectDocx(zipSync(files, { level: 0 }))).toMatchObject({ ok: false, reason: 'zip-bomb', detail: expect.stringContaining('1,202 files') });
	});

	it('stops inflating the document as soon as it outgrows a size its header understates', () => {
		const big = strToU8(`<?xml version="1.0"?><w:document xmlns:w="x"><w:body>${'<w:p/>'.repeat(1_000_000)}</w:body></w:document>`);
		const zip = zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': big }, { level: 9 });
		const lying = declareSize(zip, 'word/document.xml', 1000);
		expect(inspectDocx(lying)).toMatchObject({ ok: false, reason: 'damaged' });
	});

	it('judges the size of an upload before reading it', () => {
		expect(checkUploadSize(0)).toMatchObject({ outcome: 'refused', reason: 'missing' });
		expect(checkUploadSize(MAX_UPLOAD_BYTES + 1)).toMatchObject({ outcome: 'refused', reason: 'too-large', message: expect.stringContaining('10 MB') });
		expect(checkUploadSize(50_000)).toBeNull();
	});
});
