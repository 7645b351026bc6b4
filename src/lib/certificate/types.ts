import type { Party } from '$lib/mou/party';
import type { SignerRole } from '$lib/signing/certificate';

/** How a value is set: plain text, an identifier, a SHA-256 to compare, or a long string that may break anywhere. */
export type CertificateValueKind = 'text' | 'id' | 'hash' | 'long';

export interface CertificateRow {
	label: string;
	value: string;
	kind: CertificateValueKind;
}

export interface CertificateSignerView {
	name: string;
	title: string;
	email: string;
	party: Party;
	partyName: string;
	role: SignerRole;
	/** The capacity they signed in: which of the document's signature clauses holds their block. */
	capacity: string;
	/** "Marcus Reyes — Chief of Police". */
	heading: string;
	signatureImage: string;
	signatureKind: 'typed' | 'drawn';
	/** "Signature of Marcus Reyes (drawn)". */
	signatureAlt: string;
	/** "Signed March 2, 2026 at 4:12 AM CST" (or "Attested …"): the last line of a signature block. */
	signedLine: string;
	rows: CertificateRow[];
}

export interface CertificateEventView {
	when: string;
	event: string;
	by: string;
	ipAddress: string;
	detail: string;
}

/**
 * The certificate of completion as every renderer shows it (the web pages, the HTML file, the
 * signed DOCX's certificate and signature blocks): labels, values formatted in the certificate's
 * own zone, in one order.
 */
export interface CertificateView {
	title: string;
	versionLabel: string;
	fingerprint: string;
	facts: CertificateRow[];
	signers: CertificateSignerView[];
	/** "Name <address>", or the name alone in a certificate without contacts. */
	copies: Array<{ name: string; email: string; label: string }>;
	events: CertificateEventView[];
	/**
	 * Signers' addresses, IP addresses and browsers are in it: false in the certificate shown to a
	 * party member who may not read signers' contacts (no email, IP or browser rows, no IP column).
	 */
	contacts: boolean;
}
