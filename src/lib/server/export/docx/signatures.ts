import { AlignmentType, BorderStyle, FileChild, ImageRun, LineRuleType, Paragraph, TextRun } from 'docx';
import { certificateView, type CertificateSignerView } from '$lib/certificate';
import { partyLabel, type Party } from '../../../redlines/types';
import type { CompletionCertificate } from '../../../signing/certificate';
import { longDate } from '../format';
import { xmlSafe } from './inline';
import { STYLE } from './styles';

/**
 * The executed signature blocks of the signed DOCX, which take the place of the template's blank
 * "By: ____ / Date: ____" lines: for each party its signers (adopted signature, name, title,
 * organization, date and time signed in the district's zone), the board's and the municipality's
 * approval when they signed (or the board's approval date is known), the clerk's attestation when
 * there was one. A block nobody signed is left out: the signed copy has no empty "By: ____".
 */

/** Largest signature image, in pixels at 96 dpi (2.5 × 0.85 inches). */
const MAX_WIDTH = 240;
const MAX_HEIGHT = 82;

export interface ExecutedBlocks {
	parties: FileChild[];
	/**
	 * The template's other signature clauses by id (board, municipal approval, attestation) with
	 * the signatures they hold; a clause nobody signed in (approved as to form, say) is absent.
	 */
	others: Map<string, { heading: string; blocks: FileChild[] }>;
}

/** Which capacities sign in which of the template's signature clauses. */
const CLAUSE_CAPACITIES: Record<string, { heading: string; capacities: string[] }> = {
	'signatures.board': { heading: 'Board of Education', capacities: ['board_president'] },
	'signatures.municipal': { heading: 'Municipal approval', capacities: ['mayor', 'city_manager'] }
};
const OWN_CLAUSE = new Set(Object.values(CLAUSE_CAPACITIES).flatMap((c) => c.capacities));

export function executedSignatures(
	certificate: CompletionCertificate,
	partyNames: Partial<Record<Party, string>>,
	terms: Record<string, string>
): ExecutedBlocks {
	const view = certificateView(certificate, partyNames);
	const partyName = (party: Party) => partyNames[party] ?? partyLabel(party);
	const signers = view.signers.filter((s) => s.role === 'signer');
	const parties: FileChild[] = [
		new Paragraph({
			style: STYLE.body,
			// Left-aligned: justifying a line with a 64-character fingerprint stretches it apart.
			alignment: AlignmentType.LEFT,
			children: [
				new TextRun(
					xmlSafe(
						`Signed electronically through MOU Studio. Each person below reviewed the agreed text — ${view.versionLabel}, ` +
							`fingerprint ${view.fingerprint} — and adopted the signature shown; the certificate of completion at the end of ` +
							'this document records how each was identified and when each step took place.'
					)
				)
			]
		})
	];
	for (const party of ['agency', 'district'] as const) {
		const theirs = signers.filter((s) => s.party === party && !OWN_CLAUSE.has(s.capacity));
		if (!theirs.length) continue;
		parties.push(partyHeading(`For ${partyName(party)}`));
		for (const signer of theirs) parties.push(...signatureBlock(signer, partyName(party)));
	}
	const others = new Map<string, { heading: string; blocks: FileChild[] }>();
	for (const [clauseId, { heading, capacities }] of Object.entries(CLAUSE_CAPACITIES)) {
		const theirs = signers.filter((s) => capacities.includes(s.capacity));
		const approved = clauseId === 'signatures.board' ? terms.board_approval_date?.trim() : '';
		if (!theirs.length && !approved) continue;
		const organization = (s: CertificateSignerView) => (clauseId === 'signatures.board' ? `Board of Education, ${partyName('district')}` : partyName(s.party));
		others.set(clauseId, {
			heading,
			blocks: [
				...(approved
					? [
							new Paragraph({
								style: STYLE.body,
								children: [new TextRun(xmlSafe(`Approved by the Board of Education of ${partyName('district')} on ${longDate(approved)}.`))]
							})
						]
					: []),
				...theirs.flatMap((s) => signatureBlock(s, organization(s)))
			]
		});
	}
	const attesters = view.signers.filter((s) => s.role === 'attester');
	if (attesters.length) {
		others.set('signatures.attestation', {
			heading: 'Attestation',
			blocks: [
				new Paragraph({ style: STYLE.body, keepNext: true, children: [new TextRun({ text: 'ATTEST:', bold: true })] }),
				...attesters.flatMap((s) => signatureBlock(s, partyName(s.party)))
			]
		});
	}
	return { parties, others };
}

/** The blocks on their own page, for an MOU whose text no longer has the template's signature clauses. */
export function signaturePage(blocks: ExecutedBlocks): FileChild[] {
	return [new Paragraph({ style: STYLE.section, pageBreakBefore: true, children: [new TextRun('Signature page')] }), ...blocks.parties, ...leftovers(blocks)];
}

/** Signature clauses the text does not have, after the signatures of the parties. */
export function leftovers(blocks: ExecutedBlocks): FileChild[] {
	return [...blocks.others.values()].flatMap((other) => [partyHeading(other.heading), ...other.blocks]);
}

function partyHeading(text: string): Paragraph {
	return new Paragraph({
		style: STYLE.cellHeader,
		keepNext: true,
		spacing: { before: 240, after: 0 },
		children: [new TextRun({ text: xmlSafe(text), bold: true })]
	});
}

function signatureBlock(signer: CertificateSignerView, organization: string): Paragraph[] {
	const line = (text: string, last = false) =>
		new Paragraph({ style: STYLE.cell, keepNext: !last, keepLines: true, spacing: last ? { after: 240 } : undefined, children: [new TextRun(xmlSafe(text))] });
	return [
		// Single line spacing that grows with its content: the document's 1.1 spacing would clip the image.
		new Paragraph({
			keepNext: true,
			keepLines: true,
			spacing: { before: 120, after: 40, line: 240, lineRule: LineRuleType.AUTO },
			children: [signatureImage(signer)]
		}),
		new Paragraph({
			style: STYLE.cell,
			keepNext: true,
			border: { top: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 2 } },
			indent: { right: 4320 },
			children: [new TextRun({ text: xmlSafe(signer.name), bold: true })]
		}),
		...(signer.title ? [line(signer.title)] : []),
		line(organization),
		line(signer.signedLine, true)
	];
}

function signatureImage(signer: CertificateSignerView): ImageRun | TextRun {
	const png = decodePng(signer.signatureImage);
	if (!png) return new TextRun({ text: 'Signature on file — see the certificate of completion', italics: true });
	const scale = Math.min(1, MAX_WIDTH / png.width, MAX_HEIGHT / png.height);
	return new ImageRun({
		type: 'png',
		data: png.bytes,
		transformation: { width: Math.max(1, Math.round(png.width * scale)), height: Math.max(1, Math.round(png.height * scale)) },
		altText: {
			name: 'Signature',
			title: `Signature of ${xmlSafe(signer.name)}`,
			description: `${signer.signatureKind} signature adopted by ${xmlSafe(signer.name)}`
		}
	});
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A PNG data URL's bytes and pixel size (from its IHDR chunk); null for anything else. */
export function decodePng(dataUrl: string): { bytes: Uint8Array; width: number; height: number } | null {
	const match = /^data:image\/png;base64,([A-Za-z0-9+/=\s]+)$/.exec(dataUrl ?? '');
	if (!match) return null;
	const bytes = new Uint8Array(Buffer.from(match[1], 'base64'));
	if (bytes.length < 24 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const width = view.getUint32(16);
	const height = view.getUint32(20);
	if (!width || !height || width > 10_000 || height > 10_000) return null;
	return { bytes, width, height };
}
