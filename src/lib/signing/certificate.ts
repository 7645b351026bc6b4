/**
 * The certificate of completion of a signed MOU: what the signing workflow records and what the
 * signed DOCX and the verification page show. Shared by the signing and export features.
 */
import type { Party } from '../mou/party';

export type SignerRole = 'signer' | 'attester';

export interface CertificateSigner {
	name: string;
	title: string;
	email: string;
	party: Party;
	role: SignerRole;
	/** The capacity they signed in ("agency_head", "superintendent", "board_president", "clerk", …): which block their signature sits in. */
	capacity?: string;
	/** How the signer proved who they were, e.g. "Email link + one-time code sent to d…@example" or "Signed-in account". */
	authentication: string;
	ipAddress: string;
	userAgent: string;
	sentAt: string;
	viewedAt: string | null;
	consentedAt: string | null;
	signedAt: string;
	/** The adopted signature as a PNG data URL (typed signatures are rendered to an image too). */
	signatureImage: string;
	signatureKind: 'typed' | 'drawn';
}

export interface CompletionCertificate {
	mouId: string;
	title: string;
	versionId: string;
	versionLabel: string;
	/** SHA-256 (hex) of the agreed version's stored state: what every signer signed. */
	fingerprint: string;
	requestId: string;
	sentAt: string;
	completedAt: string;
	effectiveDate: string;
	nextReviewDate: string;
	/**
	 * The signed DOCX as issued at completion: the SHA-256 of the file's bytes (what sha256sum
	 * prints). Absent from the certificate the file itself carries — a file cannot hold its own hash.
	 */
	signedFile?: { sha256: string; issuedAt: string };
	/** The district's time zone: the zone the certificate's times are read in. */
	zone?: string;
	signers: CertificateSigner[];
	copyRecipients: Array<{ name: string; email: string }>;
	/** Every event of the workflow, oldest first (the audit trail). */
	events: Array<{ at: string; kind: string; actor: string; ipAddress?: string; detail?: string }>;
}
