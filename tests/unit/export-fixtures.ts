import { pngDataUrlOf } from '../helpers/png';
import * as Y from 'yjs';
import { strFromU8, unzipSync } from 'fflate';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { documentSchema } from '../../src/lib/editor/schema';
import { loadTemplate } from '../../src/lib/server/templates';
import type { SuggestionAttrs } from '../../src/lib/redlines/types';
import type { CompletionCertificate } from '../../src/lib/signing/certificate';
import type { ExportContext } from '../../src/lib/server/export/types';

/** Shared by the export tests: a small MOU document, marks by each party, a certificate, PNGs. */

export const AGENCY_ORG = 'Springfield Police Department';
export const DISTRICT_ORG = 'Springfield Unified School District';

export const agencyMark = (id = 'ins1', at = '2026-02-01T10:00:00.000Z'): SuggestionAttrs => ({
	id,
	party: 'agency',
	authorId: '00000000-0000-4000-8000-00000000000a',
	authorName: 'Dana Whitfield',
	at
});
export const districtMark = (id = 'del1', at = '2026-02-02T11:30:00.000Z'): SuggestionAttrs => ({
	id,
	party: 'district',
	authorId: '00000000-0000-4000-8000-00000000000d',
	authorName: 'Elena Brooks',
	at
});

const text = (value: string, marks?: { type: string; attrs?: Record<string, unknown> }[]) => ({ type: 'text', text: value, ...(marks ? { marks } : {}) });
const paragraph = (...content: object[]) => ({ type: 'paragraph', content });

/** Every structure the export follows: title, sections, clauses (one locked), lists, a table, a page break, marks, terms. */
export function smallDocumentJson() {
	return {
		type: 'doc',
		content: [
			{ type: 'heading', attrs: { level: 1 }, content: [text('Memorandum of Understanding')] },
			{ type: 'heading', attrs: { level: 2 }, content: [text('Parties')] },
			{
				type: 'clause',
				attrs: { clauseId: 'parties.identification', title: 'Parties', level: 'standard', nasro: '', locked: false },
				content: [
					paragraph(
						text('This MOU is entered into by '),
						{ type: 'term', attrs: { key: 'agency_name' } },
						text(' and '),
						{ type: 'term', attrs: { key: 'district_name' } },
						text(' for the schools named here.')
					),
					paragraph(text('Officers serve '), { type: 'term', attrs: { key: 'schools_covered' } }, text('.'))
				]
			},
			{
				type: 'clause',
				attrs: { clauseId: 'parties.recitals', title: 'Recitals', level: 'required', nasro: '01.01.03 01.01.04', locked: true },
				content: [
					paragraph(text('The District keeps its schools safe.')),
					{
						type: 'bulletList',
						content: [
							{ type: 'listItem', content: [paragraph(text('First recital'))] },
							{ type: 'listItem', content: [paragraph(text('Second recital'))] }
						]
					}
				]
			},
			{ type: 'heading', attrs: { level: 2 }, content: [text('Duties')] },
			{
				type: 'clause',
				attrs: { clauseId: 'duties.general', title: 'General duties', level: 'standard', nasro: '', locked: false },
				content: [
					paragraph(
						text('The SRO is '),
						text('never', [{ type: 'bold' }]),
						text(' a disciplinarian and works '),
						text('with', [{ type: 'italic' }]),
						text(' staff under '),
						text('the policy', [{ type: 'link', attrs: { href: 'https://example.org/policy' } }]),
						text(' and the '),
						text('code', [{ type: 'underline' }]),
						text('.')
					),
					{
						type: 'orderedList',
						content: [
							{ type: 'listItem', content: [paragraph(text('Patrol the campus'))] },
							{ type: 'listItem', content: [paragraph(text('Teach classes'))] }
						]
					},
					{
						type: 'table',
						content: [
							{
								type: 'tableRow',
								content: [
									{ type: 'tableHeader', content: [paragraph(text('Task'))] },
									{ type: 'tableHeader', content: [paragraph(text('Owner'))] }
								]
							},
							{
								type: 'tableRow',
								content: [
									{ type: 'tableCell', content: [paragraph(text('Training'))] },
									{ type: 'tableCell', content: [paragraph(text('Agency'))] }
								]
							}
						]
					}
				]
			},
			{ type: 'pageBreak' },
			{ type: 'heading', attrs: { level: 2 }, content: [text('Signatures')] },
			{
				type: 'clause',
				attrs: { clauseId: 'signatures.parties', title: 'Signatures of the Parties', level: 'required', nasro: '01.01.03', locked: true },
				content: [paragraph(text('Each signer is authorised to bind their Party.'))]
			}
		]
	};
}

/**
 * The Y.XmlText holding `needle`, and where: y-prosemirror keeps each run of text between two
 * inline terms as its own Y.XmlText, so a paragraph can have several.
 */
export function textContaining(doc: Y.Doc, needle: string): { text: Y.XmlText; index: number } {
	let found: { text: Y.XmlText; index: number } | null = null;
	const visit = (node: Y.XmlElement | Y.XmlFragment) => {
		for (const child of node.toArray()) {
			if (found) return;
			if (child instanceof Y.XmlText) {
				const index = child.toString() ? plain(child).indexOf(needle) : -1;
				if (index >= 0) found = { text: child, index };
			} else if (child instanceof Y.XmlElement) visit(child);
		}
	};
	visit(doc.getXmlFragment('body'));
	if (!found) throw new Error(`no text with "${needle}"`);
	return found;
}

function plain(text: Y.XmlText): string {
	return (text.toDelta() as { insert: unknown }[]).map((d) => (typeof d.insert === 'string' ? d.insert : '')).join('');
}

/**
 * The small document as a stored state: an agency insertion ("promptly "), a district deletion
 * (" for the schools named here"), an agency insertion the district proposes to strike (" in good
 * faith"), term values and an open district proposal for agency_name.
 */
export function negotiatedState(): Uint8Array {
	const doc = new Y.Doc({ gc: false });
	doc.transact(() => {
		prosemirrorJSONToYXmlFragment(documentSchema, smallDocumentJson(), doc.getXmlFragment('body'));
		const terms = doc.getMap<string>('terms');
		terms.set('agency_name', AGENCY_ORG);
		terms.set('district_name', '');
		terms.set('schools_covered', '');
		terms.set('sro_count', '2');
	});
	const duties = textContaining(doc, 'The SRO is ');
	duties.text.insert(duties.index + 'The SRO is '.length, 'promptly ', { insertion: agencyMark() });
	// The agency proposed "in good faith"; the district proposes to strike that proposal.
	const staff = textContaining(doc, ' staff under ');
	staff.text.insert(staff.index + ' staff'.length, ' in good faith', { insertion: agencyMark('ins2', '2026-02-01T10:05:00.000Z') });
	staff.text.format(staff.index + ' staff'.length, ' in good faith'.length, { deletion: districtMark('del2', '2026-02-02T11:35:00.000Z') });
	const struck = textContaining(doc, ' for the schools named here');
	struck.text.format(struck.index, ' for the schools named here'.length, { deletion: districtMark() });
	doc.getMap<string>('termProposals').set('agency_name', JSON.stringify({ ...districtMark('prop1', '2026-02-03T09:00:00.000Z'), value: 'Springfield PD' }));
	const state = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return state;
}

export function exportContext(overrides: Partial<ExportContext> = {}): ExportContext {
	return {
		mouId: '3f2a1c4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
		mouTitle: 'Springfield SRO MOU 2027–28',
		termDefinitions: loadTemplate('sro-mou', '2026.1').terms,
		partyNames: { agency: AGENCY_ORG, district: DISTRICT_ORG },
		generatedAt: new Date('2026-03-01T12:00:00Z'),
		...overrides
	};
}

/** A real PNG of the given size (a grey gradient), as a data URL. */
export function pngDataUrl(width: number, height: number, shade = 0): string {
	const raw = Buffer.alloc((width + 1) * height);
	for (let y = 0; y < height; y++) {
		raw[y * (width + 1)] = 0;
		for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = (x * 255) / width + shade;
	}
	return pngDataUrlOf(width, height, 0, raw);
}

export function certificateFor(mouId: string, versionId: string, fingerprint: string): CompletionCertificate {
	const signer = (name: string, title: string, party: 'agency' | 'district', role: 'signer' | 'attester', minute: number) => ({
		name,
		title,
		email: `${name.split(' ')[0].toLowerCase()}@${party === 'agency' ? 'springfield-pd' : 'springfield-usd'}.example`,
		party,
		role,
		authentication: 'Email link + one-time code',
		ipAddress: '203.0.113.7',
		userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
		sentAt: '2026-03-02T09:00:00.000Z',
		viewedAt: `2026-03-02T10:${String(minute).padStart(2, '0')}:00.000Z`,
		consentedAt: `2026-03-02T10:${String(minute + 1).padStart(2, '0')}:00.000Z`,
		signedAt: `2026-03-02T10:${String(minute + 2).padStart(2, '0')}:00.000Z`,
		signatureImage: pngDataUrl(300 + minute, 90, minute),
		signatureKind: minute % 2 ? ('drawn' as const) : ('typed' as const)
	});
	return {
		mouId,
		title: 'Springfield SRO MOU 2027–28',
		versionId,
		versionLabel: 'Version 3 — agreed',
		fingerprint,
		requestId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
		sentAt: '2026-03-02T09:00:00.000Z',
		completedAt: '2026-03-02T10:20:00.000Z',
		effectiveDate: '2026-07-01',
		nextReviewDate: '2027-07-01',
		signers: [
			signer('Marcus Hale', 'Chief of Police', 'agency', 'signer', 10),
			signer('Renee Ortiz', 'Superintendent', 'district', 'signer', 13),
			signer('Janet Cole', 'City Clerk', 'agency', 'attester', 16)
		],
		copyRecipients: [{ name: 'Dana Whitfield', email: 'counsel@springfield-pd.example' }],
		events: [
			{ at: '2026-03-02T09:00:00.000Z', kind: 'request_sent', actor: 'Dana Whitfield', ipAddress: '198.51.100.4' },
			{ at: '2026-03-02T10:12:00.000Z', kind: 'signed', actor: 'Marcus Hale', ipAddress: '203.0.113.7', detail: 'Signed for the agency' },
			{ at: '2026-03-02T10:20:00.000Z', kind: 'completed', actor: 'MOU Studio' }
		]
	};
}

/** The parts of a DOCX as text (media as byte counts). */
export function unpack(bytes: Uint8Array): Record<string, string> {
	const files = unzipSync(bytes);
	return Object.fromEntries(Object.entries(files).map(([name, data]) => [name, name.startsWith('word/media/') ? `${data.length} bytes` : strFromU8(data)]));
}

/** Text of all w:t / w:delText runs of an XML part, in order. */
export function runTexts(xml: string): string {
	return [...xml.matchAll(/<w:(?:t|delText)(?: [^>]*)?>([^<]*)<\/w:(?:t|delText)>/g)].map((m) => m[1]).join('');
}
