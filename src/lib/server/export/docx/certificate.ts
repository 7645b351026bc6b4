import { FileChild, Paragraph, TextRun } from 'docx';
import { certificateView, type CertificateRow } from '$lib/certificate';
import type { Party } from '$lib/mou/party';
import type { CompletionCertificate } from '$lib/signing/certificate';
import { xmlSafe } from './inline';
import { STYLE } from './styles';
import { gridTable, keyValueTable } from './tables';

const pairs = (rows: CertificateRow[]): [string, string][] => rows.map((row) => [row.label, row.value]);

/**
 * The certificate of completion as the signed MOU's final section: the document signed (its
 * fingerprint), every signer with how they were identified and each step's time, copies, and the
 * whole audit trail. The same view the certificate pages show.
 */
export function certificateSection(certificate: CompletionCertificate, mouTitle: string, partyNames: Partial<Record<Party, string>>): FileChild[] {
	const view = certificateView({ ...certificate, title: mouTitle }, partyNames);
	const text = (value: string, style: string = STYLE.body) => new Paragraph({ style, children: [new TextRun(xmlSafe(value))] });
	const out: FileChild[] = [
		new Paragraph({ style: STYLE.section, pageBreakBefore: true, children: [new TextRun('Certificate of completion')] }),
		text(
			'Issued by MOU Studio. It records the electronic signing of the MOU below. The fingerprint is the SHA-256 of the agreed text every signer signed; ' +
				'this file can be checked on MOU Studio’s verification page, which recognises it only if not one byte of it has changed.'
		),
		keyValueTable(pairs(view.facts)),
		new Paragraph({ style: STYLE.clause, children: [new TextRun('Signers')] })
	];
	for (const signer of view.signers) {
		out.push(text(signer.heading, STYLE.heading));
		out.push(keyValueTable(pairs(signer.rows)));
	}
	out.push(new Paragraph({ style: STYLE.clause, children: [new TextRun('Copies sent to')] }));
	if (view.copies.length) {
		out.push(
			gridTable(
				['Name', 'Email'],
				view.copies.map((r) => [r.name, r.email]),
				[1, 1]
			)
		);
	} else {
		out.push(text('No one besides the signers.'));
	}
	out.push(new Paragraph({ style: STYLE.clause, children: [new TextRun('Audit trail')] }));
	out.push(
		gridTable(
			['When', 'Event', 'By', 'IP address', 'Detail'],
			view.events.map((e) => [e.when, e.event, e.by, e.ipAddress, e.detail]),
			[2.2, 1.6, 1.8, 1.4, 2.6]
		)
	);
	// Word expects the body to end with a paragraph, not a table.
	out.push(text('End of the certificate of completion.', STYLE.note));
	return out;
}
