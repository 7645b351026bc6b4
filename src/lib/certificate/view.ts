import { formatDay, formatWhen } from '$lib/dates/format';
import type { Party } from '$lib/mou/party';
import type { CertificateSigner, CompletionCertificate } from '$lib/signing/certificate';
import { AUDIT_LABEL, PARTY_LABEL } from '$lib/signing/types';
import type { CertificateRow, CertificateSignerView, CertificateValueKind, CertificateView } from './types';

const row = (label: string, value: string, kind: CertificateValueKind = 'text'): CertificateRow => ({ label, value, kind });

/** An audit event's name as the signing feature labels it; "request_sent" → "Request sent" for one it does not know. */
export function eventLabel(kind: string): string {
	const words = kind.replace(/[_-]+/g, ' ').trim();
	return AUDIT_LABEL[kind] ?? (words ? words[0].toUpperCase() + words.slice(1) : kind);
}

/**
 * The certificate as it is shown, from the signing record. Times are in the certificate's own
 * zone (the district's, recorded with it; UTC for older ones), so it reads the same wherever it
 * is opened; parties are named by their organizations when known.
 */
export function certificateView(certificate: CompletionCertificate, partyNames: Partial<Record<Party, string>> = {}): CertificateView {
	const zone = certificate.zone ?? 'UTC';
	const when = (iso: string | null) => formatWhen(iso, zone);
	const partyName = (party: Party) => partyNames[party] ?? PARTY_LABEL[party];
	const facts = [
		row('MOU', certificate.title),
		row('MOU id', certificate.mouId, 'id'),
		row('Version', certificate.versionLabel),
		row('Version id', certificate.versionId, 'id'),
		row('Agreed text fingerprint (SHA-256)', certificate.fingerprint, 'hash'),
		...(certificate.signedFile ? [row('Signed DOCX file (SHA-256, as sha256sum prints it)', certificate.signedFile.sha256, 'hash')] : []),
		row('Signing request', certificate.requestId, 'id'),
		row('Sent for signature', when(certificate.sentAt)),
		row('Completed', when(certificate.completedAt)),
		row('Effective date', formatDay(certificate.effectiveDate)),
		row('Next review due', formatDay(certificate.nextReviewDate))
	];
	return {
		title: certificate.title,
		versionLabel: certificate.versionLabel,
		fingerprint: certificate.fingerprint,
		facts,
		signers: certificate.signers.map((signer) => signerView(signer, partyName(signer.party), when)),
		copies: certificate.copyRecipients.map(({ name, email }) => ({ name, email, label: email ? `${name} <${email}>` : name })),
		contacts: certificate.signers.some((s) => s.email) || certificate.events.some((e) => e.ipAddress),
		events: certificate.events.map((event) => ({
			when: when(event.at),
			event: eventLabel(event.kind),
			by: event.actor,
			ipAddress: event.ipAddress ?? '',
			detail: event.detail ?? ''
		}))
	};
}

function signerView(signer: CertificateSigner, partyName: string, when: (iso: string | null) => string): CertificateSignerView {
	const attester = signer.role === 'attester';
	return {
		name: signer.name,
		title: signer.title,
		email: signer.email,
		party: signer.party,
		partyName,
		role: signer.role,
		capacity: signer.capacity ?? '',
		heading: signer.title ? `${signer.name} — ${signer.title}` : signer.name,
		signatureImage: signer.signatureImage,
		signatureKind: signer.signatureKind,
		signatureAlt: `Signature of ${signer.name} (${signer.signatureKind})`,
		signedLine: `${attester ? 'Attested' : 'Signed'} ${when(signer.signedAt)}`,
		// A certificate without contacts (for those who may not read them) has no email, IP address or browser rows.
		rows: [
			row('Party', `${partyName}${attester ? ' — attestation' : ''}`),
			...(signer.email ? [row('Email', signer.email)] : []),
			row('Identified by', signer.authentication),
			row('Signature', `${signer.signatureKind === 'drawn' ? 'Drawn' : 'Typed'}, adopted at signing`),
			row('Sent', when(signer.sentAt)),
			row('Viewed', when(signer.viewedAt)),
			row('Consented to electronic records', when(signer.consentedAt)),
			row('Signed', when(signer.signedAt)),
			...(signer.ipAddress ? [row('IP address', signer.ipAddress)] : []),
			...(signer.userAgent ? [row('Browser', signer.userAgent, 'long')] : [])
		]
	};
}
