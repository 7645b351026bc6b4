import { createHash } from 'node:crypto';
import { formatWhen } from '../../src/lib/dates/format';
import { describe, expect, it } from 'vitest';
import { readStoredMou } from '../../src/lib/document';
import { renderCleanDocx, renderRedlineDocx, renderSignedDocx } from '../../src/lib/server/export/render';
import type { ExportThread } from '../../src/lib/server/export/types';
import { AGENCY_ORG, DISTRICT_ORG, certificateFor, exportContext, negotiatedState, runTexts, unpack } from './export-fixtures';

const AGENCY_AUTHOR = `Dana Whitfield (${AGENCY_ORG})`;
const DISTRICT_AUTHOR = `Elena Brooks (${DISTRICT_ORG})`;

const threads: ExportThread[] = [
	{
		id: 't1',
		quote: 'The District keeps its schools safe.',
		resolved: false,
		comments: [
			{ authorName: 'Elena Brooks', party: 'district', body: 'Can we say "students and staff"?', createdAt: new Date('2026-02-05T08:00:00Z') },
			{ authorName: 'Dana Whitfield', party: 'agency', body: 'Fine by us.', createdAt: new Date('2026-02-05T09:00:00Z') }
		]
	},
	{
		id: 't2',
		quote: '',
		resolved: true,
		comments: [{ authorName: 'Dana Whitfield', party: 'agency', body: 'General note on the whole MOU', createdAt: new Date('2026-02-06T08:00:00Z') }]
	}
];

/** The w:ins / w:del elements of a part: kind, author, date and the text inside. */
function revisions(xml: string) {
	return [...xml.matchAll(/<w:(ins|del) w:id="(\d+)" w:author="([^"]*)" w:date="([^"]*)">(.*?)<\/w:\1>/g)].map((m) => ({
		kind: m[1],
		id: Number(m[2]),
		author: m[3],
		date: m[4],
		text: runTexts(m[5])
	}));
}

describe('the redline DOCX', () => {
	it('writes every open suggestion as a Word tracked change with its author, party and date', async () => {
		const file = await renderRedlineDocx({ ...exportContext(), document: readStoredMou(negotiatedState()), threads });
		const parts = unpack(file.bytes);
		const xml = parts['word/document.xml'];
		const changes = revisions(xml);
		expect(changes).toContainEqual({ kind: 'ins', id: expect.any(Number), author: AGENCY_AUTHOR, date: '2026-02-01T10:00:00Z', text: 'promptly ' });
		expect(changes).toContainEqual({
			kind: 'del',
			id: expect.any(Number),
			author: DISTRICT_AUTHOR,
			date: '2026-02-02T11:30:00Z',
			text: ' for the schools named here'
		});
		// The district's proposed term value: the current value struck, the proposal inserted, both by the district.
		expect(changes).toContainEqual({ kind: 'del', id: expect.any(Number), author: DISTRICT_AUTHOR, date: '2026-02-03T09:00:00Z', text: AGENCY_ORG });
		expect(changes).toContainEqual({ kind: 'ins', id: expect.any(Number), author: DISTRICT_AUTHOR, date: '2026-02-03T09:00:00Z', text: 'Springfield PD' });
		expect(new Set(changes.map((c) => c.id)).size).toBe(changes.length);
		// Inserted by the agency, struck by the district: w:ins around w:del, as Word writes it.
		expect(xml).toMatch(
			new RegExp(
				`<w:ins w:id="\\d+" w:author="${AGENCY_AUTHOR.replace(/[()]/g, '\\$&')}" w:date="2026-02-01T10:05:00Z"><w:del w:id="\\d+" w:author="${DISTRICT_AUTHOR.replace(/[()]/g, '\\$&')}" w:date="2026-02-02T11:35:00Z"><w:r>(<w:rPr>.*?</w:rPr>)?<w:delText xml:space="preserve"> in good faith</w:delText></w:r></w:del></w:ins>`
			)
		);
		expect(file.suggestions).toBe(5);
		// Deleted text is w:delText, never w:t, or Word would show it as live text.
		expect(xml).toMatch(/<w:del [^>]*><w:r>(<w:rPr>.*?<\/w:rPr>)?<w:delText xml:space="preserve"> for the schools named here<\/w:delText>/);
		// New edits a lawyer makes in Word are tracked too.
		expect(parts['word/settings.xml']).toContain('<w:trackRevisions/>');
		expect(file.filename).toBe('springfield-sro-mou-2027-28-redline-2026-03-01.docx');
	});

	it('puts shared comment threads in as Word comments on the text they were made on', async () => {
		const file = await renderRedlineDocx({ ...exportContext(), document: readStoredMou(negotiatedState()), threads });
		const parts = unpack(file.bytes);
		const comments = parts['word/comments.xml'];
		expect(comments).toContain('Can we say &quot;students and staff&quot;?');
		expect(comments).toContain('Fine by us.');
		expect(comments).toContain('General note on the whole MOU');
		expect(comments).toContain(`w:author="${DISTRICT_AUTHOR}"`);
		expect(comments).toContain(`w:author="${AGENCY_AUTHOR}"`);
		// The reply belongs to its thread, and the resolved thread says so.
		expect(parts['word/commentsExtended.xml']).toMatch(/w15:paraIdParent=/);
		expect(parts['word/commentsExtended.xml']).toMatch(/w15:done="1"/);
		// The first thread is anchored on its quote; the general one on the title.
		const xml = parts['word/document.xml'];
		const anchored = /<w:commentRangeStart w:id="(\d+)"\/>(.*?)<w:commentRangeEnd w:id="\1"\/>/g;
		const ranges = [...xml.matchAll(anchored)].map((m) => runTexts(m[2]));
		expect(ranges).toContain('The District keeps its schools safe.');
		expect(ranges).toContain('Memorandum of Understanding');
		expect(xml.match(/<w:commentReference w:id="\d+"\/>/g)).toHaveLength(3);
	});

	it('resolves terms, shows empty ones as visible blanks, and marks locked clauses', async () => {
		const file = await renderRedlineDocx({ ...exportContext(), document: readStoredMou(negotiatedState()), threads: [] });
		const parts = unpack(file.bytes);
		const text = runTexts(parts['word/document.xml']);
		expect(text).toContain('[School district]');
		expect(text).toContain('Officers serve [Schools covered].');
		expect(text).toContain('Required — NASRO 01.01.03, 01.01.04. Locked in MOU Studio');
		expect(text).toContain('Required — NASRO 01.01.03. Locked in MOU Studio');
		expect(parts['word/comments.xml']).toBeUndefined();
	});

	it('follows the structure: numbered sections and clauses, lists, table, page break, formatting, links', async () => {
		const file = await renderRedlineDocx({ ...exportContext(), document: readStoredMou(negotiatedState()), threads: [] });
		const parts = unpack(file.bytes);
		const xml = parts['word/document.xml'];
		const paragraphs = [...xml.matchAll(/<w:p>(.*?)<\/w:p>|<w:p [^>]*>(.*?)<\/w:p>/g)].map((m) => runTexts(m[1] ?? m[2]));
		expect(paragraphs).toContain('Memorandum of Understanding');
		// Section and clause numbers are Word numbering (numbering.xml "%1." and "%1.%2"), not typed text.
		for (const title of ['Parties', 'Recitals', 'Duties', 'General duties', 'Signatures', 'Signatures of the Parties']) expect(paragraphs).toContain(title);
		expect(paragraphs.some((p) => /^\d+\.\d*/.test(p))).toBe(false);
		expect(parts['word/numbering.xml']).toContain('w:val="%1.%2"');
		expect(xml).toMatch(/<w:pStyle w:val="MouClause"\/><w:numPr><w:ilvl w:val="1"\/>/);
		expect(xml).toMatch(/<w:pStyle w:val="MouSection"\/>(<[^>]+>)*<w:pageBreakBefore\/>/);
		// Lists use Word numbering too: bullets and a decimal list, beside the 3 sections and 4 clauses.
		expect(xml.match(/<w:numPr>/g)!.length).toBe(4 + 3 + 4);
		expect(parts['word/numbering.xml']).toContain('w:val="bullet"');
		expect(parts['word/numbering.xml']).toContain('w:val="decimal"');
		// The table keeps its header row, repeated on each page, with borders.
		expect(xml).toMatch(/<w:tblHeader\/>/);
		expect(runTexts(xml)).toContain('TaskOwnerTrainingAgency');
		// Bold, italic, underline and a real hyperlink.
		expect(xml).toMatch(/<w:b\/>(<[^>]+>)*<w:t xml:space="preserve">never<\/w:t>/);
		expect(xml).toMatch(/<w:i\/>(<[^>]+>)*<w:t xml:space="preserve">with<\/w:t>/);
		expect(xml).toMatch(/<w:u w:val="single"\/>(<[^>]+>)*<w:t xml:space="preserve">code<\/w:t>/);
		expect(xml).toMatch(/<w:hyperlink [^>]*r:id="[^"]+"[^>]*>.*?the policy.*?<\/w:hyperlink>/);
		expect(parts['word/_rels/document.xml.rels']).toContain('Target="https://example.org/policy"');
		// A legal page: US Letter, one-inch margins, a serif body, page numbers in the footer.
		expect(xml).toContain('<w:pgSz w:w="12240" w:h="15840"');
		expect(xml).toMatch(/<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"/);
		expect(parts['word/styles.xml']).toContain('w:ascii="Times New Roman"');
		const footer = Object.entries(parts).find(([name]) => /^word\/footer\d+\.xml$/.test(name))![1];
		expect(footer).toContain('PAGE');
		expect(footer).toContain('NUMPAGES');
	});
});

describe('the clean DOCX', () => {
	it('has no markup: proposed text left out, struck text kept, current term values, and says so', async () => {
		const file = await renderCleanDocx({ ...exportContext(), document: readStoredMou(negotiatedState()), versionLabel: 'Current draft', isDraft: true });
		const parts = unpack(file.bytes);
		const xml = parts['word/document.xml'];
		expect(xml).not.toMatch(/<w:(ins|del)\b/);
		expect(xml).not.toContain('commentRangeStart');
		const text = runTexts(xml);
		expect(text).not.toContain('promptly');
		expect(text).toContain('The SRO is never a disciplinarian');
		expect(text).toContain('for the schools named here.');
		// A blank required term is a line to fill in, never its bracketed label.
		expect(text).toContain(`This MOU is entered into by ${AGENCY_ORG} and ________________`);
		expect(text).not.toMatch(/\[[A-Z][a-z ]+\]/);
		expect(text).not.toContain('Springfield PD');
		expect(text).not.toContain('Locked in MOU Studio');
		expect(text).toContain('Open suggestions are not applied');
		expect(parts['docProps/core.xml']).toContain('Open suggestions are not applied');
		expect(parts['word/settings.xml']).not.toContain('trackRevisions');
		expect(file.filename).toBe('springfield-sro-mou-2027-28-current-draft-clean.docx');
	});

	it('of an agreed version carries no note about suggestions', async () => {
		const file = await renderCleanDocx({ ...exportContext(), document: readStoredMou(negotiatedState()), versionLabel: 'Version 3 — agreed', isDraft: false });
		const parts = unpack(file.bytes);
		expect(runTexts(parts['word/document.xml'])).not.toContain('Open suggestions');
		expect(parts['docProps/custom.xml']).toContain('Version 3 — agreed');
	});
});

describe('the signed DOCX', () => {
	const state = negotiatedState();
	const fingerprint = createHash('sha256').update(state).digest('hex');
	const certificate = certificateFor(exportContext().mouId, '7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a', fingerprint);

	it('has the agreed text, a signature page with each image, the certificate, properties and read-only protection', async () => {
		const file = await renderSignedDocx({ ...exportContext(), document: readStoredMou(state), certificate });
		const parts = unpack(file.bytes);
		const xml = parts['word/document.xml'];
		const text = runTexts(xml);
		// Agreed text, clean.
		expect(xml).not.toMatch(/<w:(ins|del)\b/);
		expect(text).toContain('General duties');
		// One image per signer, each referenced from the signature page.
		const media = Object.keys(parts).filter((name) => name.startsWith('word/media/'));
		expect(media).toHaveLength(3);
		expect(xml.match(/<pic:pic /g)).toHaveLength(3);
		expect(xml).toContain('descr="drawn signature adopted by Renee Ortiz"');
		for (const name of ['Marcus Hale', 'Renee Ortiz', 'Janet Cole']) expect(text).toContain(name);
		expect(text).toContain(`For ${AGENCY_ORG}`);
		expect(text).toContain(`For ${DISTRICT_ORG}`);
		expect(text).toContain('Attestation');
		// In the district's zone, which the date names.
		expect(text).toContain(`Signed ${formatWhen('2026-03-02T10:12:00.000Z', certificate.zone ?? 'UTC')}`);
		expect(text).toContain(`Attested ${formatWhen('2026-03-02T10:18:00.000Z', certificate.zone ?? 'UTC')}`);
		// The signatures sit in the text's own signature clause, whose blank lines are gone; the certificate is the final section.
		expect(text).not.toContain('By: ____');
		const certificateAt = text.indexOf('Certificate of completion');
		expect(certificateAt).toBeGreaterThan(text.indexOf(`For ${DISTRICT_ORG}`));
		expect(text.slice(certificateAt)).toContain(fingerprint);
		expect(text.slice(certificateAt)).toContain('Email link + one-time code');
		expect(text.slice(certificateAt)).toContain('Request sent');
		expect(text.slice(certificateAt)).toContain('Completed — every signer has signed');
		// Header: title and version; footer: the fingerprint and page numbers.
		const header = Object.entries(parts).find(([name]) => /^word\/header\d+\.xml$/.test(name))![1];
		expect(runTexts(header)).toContain('Springfield SRO MOU 2027–28');
		expect(runTexts(header)).toContain('Version 3 — agreed — signed March 2, 2026');
		const footer = Object.entries(parts).find(([name]) => /^word\/footer\d+\.xml$/.test(name))![1];
		expect(runTexts(footer)).toContain(`Agreed text SHA-256: ${fingerprint}`);
		expect(footer).toContain('NUMPAGES');
		// Properties: MOU id, version and SHA-256.
		const custom = parts['docProps/custom.xml'];
		expect(custom).toMatch(new RegExp(`name="MOU id"><vt:lpwstr>${certificate.mouId}</vt:lpwstr>`));
		expect(custom).toMatch(/name="MOU version"><vt:lpwstr>Version 3 — agreed<\/vt:lpwstr>/);
		expect(custom).toMatch(new RegExp(`name="Agreed text SHA-256"><vt:lpwstr>${fingerprint}</vt:lpwstr>`));
		expect(parts['docProps/core.xml']).toContain('<dc:title>Springfield SRO MOU 2027–28</dc:title>');
		// Word opens it read-only.
		expect(parts['word/settings.xml']).toMatch(/<w:documentProtection w:edit="readOnly" w:enforcement="(1|true)"\/>/);
		expect(file.filename).toBe('springfield-sro-mou-2027-28-signed.docx');
	});

	it('uses the agreed values: open proposals are not part of a signed text', async () => {
		const file = await renderSignedDocx({ ...exportContext(), document: readStoredMou(state), certificate });
		expect(runTexts(unpack(file.bytes)['word/document.xml'])).not.toContain('Springfield PD');
	});
});
