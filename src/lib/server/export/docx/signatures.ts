import { AlignmentType, BorderStyle, FileChild, ImageRun, Paragraph, TextRun } from 'docx';
import { partyLabel, type Party } from '../../../redlines/types';
import type { CertificateSigner, CompletionCertificate } from '../../../signing/certificate';
import { longDate, utcTime } from '../format';
import { xmlSafe } from './inline';
import { STYLE } from './styles';

/**
 * The signature page: for each party its signers — the adopted signature image, a rule, the
 * printed name, title, party and date — then whoever attested. Each block is kept on one page.
 */

/** Largest signature image on the page, in pixels at 96 dpi (2.5 × 0.85 inches). */
const MAX_WIDTH = 240;
const MAX_HEIGHT = 82;

export function signaturePage(certificate: CompletionCertificate, partyNames: Partial<Record<Party, string>>): FileChild[] {
	const partyName = (party: Party) => partyNames[party] ?? partyLabel(party);
	const out: FileChild[] = [
		new Paragraph({ style: STYLE.section, pageBreakBefore: true, children: [new TextRun('Signature page')] }),
		new Paragraph({
			style: STYLE.body,
			// Left-aligned: justifying a line with a 64-character fingerprint stretches it apart.
			alignment: AlignmentType.LEFT,
			children: [
				new TextRun(
					xmlSafe(
						`This MOU was signed electronically through MOU Studio. Each person below reviewed the agreed text — ${certificate.versionLabel}, ` +
							`fingerprint ${certificate.fingerprint} — and adopted the signature shown. The certificate of completion at the end of ` +
							'this document records how each signer was identified and when each step took place.'
					)
				)
			]
		})
	];
	const signers = certificate.signers.filter((s) => s.role === 'signer');
	for (const party of ['agency', 'district'] as const) {
		const theirs = signers.filter((s) => s.party === party);
		if (!theirs.length) continue;
		out.push(new Paragraph({ style: STYLE.clause, children: [new TextRun(xmlSafe(`For ${partyName(party)}`))] }));
		for (const signer of theirs) out.push(...signatureBlock(signer, partyName(party), 'Signed'));
	}
	const attesters = certificate.signers.filter((s) => s.role === 'attester');
	if (attesters.length) {
		out.push(new Paragraph({ style: STYLE.clause, children: [new TextRun('Attestation')] }));
		for (const attester of attesters) out.push(...signatureBlock(attester, partyName(attester.party), 'Attested'));
	}
	return out;
}

function signatureBlock(signer: CertificateSigner, party: string, verb: string): Paragraph[] {
	const line = (text: string, options: { bold?: boolean; last?: boolean } = {}) =>
		new Paragraph({
			style: STYLE.cell,
			keepNext: !options.last,
			keepLines: true,
			spacing: options.last ? { after: 360 } : undefined,
			children: [new TextRun({ text: xmlSafe(text), bold: options.bold })]
		});
	return [
		new Paragraph({ keepNext: true, keepLines: true, spacing: { before: 240, after: 0 }, children: [signatureImage(signer)] }),
		new Paragraph({
			style: STYLE.cell,
			keepNext: true,
			border: { top: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 2 } },
			indent: { right: 4320 },
			children: [new TextRun({ text: xmlSafe(signer.name), bold: true })]
		}),
		line(signer.title),
		line(party),
		line(`${verb}: ${longDate(signer.signedAt)} (${utcTime(signer.signedAt)})`, { last: true })
	];
}

function signatureImage(signer: CertificateSigner): ImageRun | TextRun {
	const png = decodePng(signer.signatureImage);
	if (!png) return new TextRun({ text: '[signature on file — see the certificate of completion]', italics: true });
	const scale = Math.min(1, MAX_WIDTH / png.width, MAX_HEIGHT / png.height);
	return new ImageRun({
		type: 'png',
		data: png.bytes,
		transformation: { width: Math.max(1, Math.round(png.width * scale)), height: Math.max(1, Math.round(png.height * scale)) },
		altText: { name: 'Signature', title: `Signature of ${xmlSafe(signer.name)}`, description: `${signer.signatureKind} signature adopted by ${xmlSafe(signer.name)}` }
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
