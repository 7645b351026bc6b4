/** What the verification page shows about an uploaded file; built on the server, shared with the page. */
import type { Party } from '../mou/party';
import type { CompletionCertificate } from '../signing/certificate';

/** The file's OOXML digital signature, as /verify checked it. */
export interface SealSummary {
	/** The signature holds over every signed part. */
	valid: boolean;
	/** The name in the signing certificate, e.g. "MOU Studio at mou.example.org". */
	signer: string;
	signedAt: string | null;
	/** The certificate is this server's own. */
	ours: boolean;
	/** SHA-256 of the certificate, as certificate viewers show it. */
	certificateSha256: string;
}

export type Verification =
	| {
			outcome: 'match';
			sha256: string;
			certificate: CompletionCertificate;
			/** The parties' organization names, as the file itself names them. */
			parties: Partial<Record<Party, string>>;
			issuedAt: string;
			filename: string;
			seal: SealSummary | null;
	  }
	| {
			/** A signed MOU from this server, changed since it was signed (or its signature removed). */
			outcome: 'altered';
			sha256: string;
			mouId: string;
			title: string;
			/** The SHA-256 of the file as it was issued. */
			issuedSha256: string;
			seal: SealSummary | null;
			/** Parts changed, removed or added since signing. */
			altered: string[];
			signatureRemoved?: true;
	  }
	| {
			/** A clean copy or redline exported from an MOU here: never signed. */ outcome: 'export';
			sha256: string;
			mouId: string;
			title: string;
			versionLabel: string | null;
	  }
	| {
			outcome: 'no-match';
			sha256: string;
			/** The file is not even a readable Word document. */
			damaged?: true;
			/** It carries a digital signature by someone other than this server. */
			foreignSigner?: string;
	  }
	| { outcome: 'refused'; reason: 'missing' | 'too-large' | 'not-docx' | 'zip-bomb'; message: string };

export type Refusal = Extract<Verification, { outcome: 'refused' }>;
