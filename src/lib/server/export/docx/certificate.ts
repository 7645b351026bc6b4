import { FileChild, Paragraph, TextRun } from 'docx';
import { partyLabel, type Party } from '../../../redlines/types';
import type { CertificateSigner, CompletionCertificate } from '../../../signing/certificate';
import { formatWhen } from '../../../dates/format';
import { eventLabel, longDate } from '../format';
import { xmlSafe } from './inline';
import { STYLE } from './styles';
import { gridTable, keyValueTable } from './tables';

/**
 * The certificate of completion as the signed MOU's final section: the document signed (its
 * fingerprint), every signer with how they were identified and each step's time, copies, and the
 * whole audit trail. The same facts the verification page shows.
 */
export function certificateSection(certificate: CompletionCertificate, mouTitle: string, partyNames: Partial<Record<Party, string>>): FileChild[] {
	const partyName = (party: Party) => partyNames[party] ?? partyLabel(party);
	// In the district's zone, which each time names ("June 30, 2027 at 7:30 PM CDT").
	const when = (value: string | null) => formatWhen(value, certificate.zone ?? 'UTC');
	const text = (value: string, style: string = STYLE.body) => new Paragraph({ style, children: [new TextRun(xmlSafe(value))] });
	const out: FileChild[] = [
		new Paragraph({ style: STYLE.section, pageBreakBefore: true, children: [new TextRun('Certificate of completion')] }),
		text(
			'Issued by MOU Studio. It records the electronic signing of the MOU below. The fingerprint is the SHA-256 of the agreed text every signer signed; ' +
				'this file can be checked on MOU Studio’s verification page, which recognises it only if not one byte of it has changed.'
		),
		keyValueTable([
			['MOU', mouTitle],
			['MOU id', certificate.mouId],
			['Version', certificate.versionLabel],
			['Version id', certificate.versionId],
			['Fingerprint (SHA-256)', certificate.fingerprint],
			['Signing request', certificate.requestId],
			['Sent for signature', when(certificate.sentAt)],
			['Completed', when(certificate.completedAt)],
			['Effective date', longDate(certificate.effectiveDate)],
			['Next review date', longDate(certificate.nextReviewDate)]
		]),
		new Paragraph({ style: STYLE.clause, children: [new TextRun('Signers')] })
	];
	for (const signer of certificate.signers) {
		out.push(text(`${signer.name} — ${signer.role === 'attester' ? 'Attester' : 'Signer'} for ${partyName(signer.party)}`, STYLE.heading));
		out.push(keyValueTable(signerRows(signer, partyName(signer.party), when)));
	}
	out.push(new Paragraph({ style: STYLE.clause, children: [new TextRun('Copies sent to')] }));
	if (certificate.copyRecipients.length) {
		out.push(
			gridTable(
				['Name', 'Email'],
				certificate.copyRecipients.map((r) => [r.name, r.email]),
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
			certificate.events.map((e) => [when(e.at), eventLabel(e.kind), e.actor, e.ipAddress ?? '', e.detail ?? '']),
			[2.2, 1.6, 1.8, 1.4, 2.6]
		)
	);
	// Word expects the body to end with a paragraph, not a table.
	out.push(text('End of the certificate of completion.', STYLE.note));
	return out;
}

function signerRows(signer: CertificateSigner, party: string, when: (value: string | null) => string): [string, string][] {
	return [
		['Name', signer.name],
		['Title', signer.title],
		['Party', party],
		['Email', signer.email],
		['Identified by', signer.authentication],
		['Signature', `${signer.signatureKind === 'drawn' ? 'Drawn' : 'Typed'}, adopted at signing`],
		['Sent', when(signer.sentAt)],
		['Viewed', when(signer.viewedAt)],
		['Consented to sign electronically', when(signer.consentedAt)],
		['Signed', when(signer.signedAt)],
		['IP address', signer.ipAddress],
		['Browser', signer.userAgent]
	];
}
