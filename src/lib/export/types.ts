/** What the verification page shows about an uploaded file; built on the server, shared with the page. */
import type { Party } from '../mou/party';
import type { CompletionCertificate } from '../signing/certificate';

export type Verification =
	| {
			outcome: 'match';
			sha256: string;
			certificate: CompletionCertificate;
			/** The parties' organization names, as the file itself names them. */
			parties: Partial<Record<Party, string>>;
			issuedAt: string;
			filename: string;
	  }
	| { outcome: 'no-match'; sha256: string; /** The file is not even a readable Word document. */ damaged?: true }
	| { outcome: 'refused'; reason: 'missing' | 'too-large' | 'not-docx' | 'zip-bomb'; message: string };

export type Refusal = Extract<Verification, { outcome: 'refused' }>;
