/** What the signing pages receive from the server (plain data, ISO dates). */
import type { Party } from '../mou/party';
import type { MouStatus } from '../mou/lifecycle';
import type { RequestStatus, Routing, SignerStatus } from './types';

export interface SignerView {
	id: string;
	name: string;
	title: string;
	/** Only for counsel and administrators (lifecycle `readSignerContacts`); null for everyone else. */
	email: string | null;
	party: Party;
	role: 'signer' | 'attester';
	capacity: string;
	stage: number;
	status: SignerStatus;
	accessCode: boolean;
	sentAt: string | null;
	viewedAt: string | null;
	consentedAt: string | null;
	signedAt: string | null;
	declinedAt: string | null;
	declineReason: string | null;
	/** The latest link email: handed to the mail server, waiting for a retry, or not sent yet (its error only for counsel and administrators). */
	delivery: { state: 'delivered' | 'retrying' | 'queued'; at: string; error: string | null } | null;
}

export interface RequestView {
	id: string;
	status: RequestStatus;
	routing: Routing;
	createdAt: string;
	expiresAt: string;
	/** The expiry in the district's time zone, e.g. “December 23, 2026 at 11:59 PM CST”. */
	expiresLabel: string;
	reminderDays: number;
	endedAt: string | null;
	endReason: string | null;
	preparedBy: string;
	fingerprint: string;
	signers: SignerView[];
	recipients: Array<{ name: string; email: string | null }>;
}

export interface SigningOverview {
	mou: {
		id: string;
		title: string;
		status: MouStatus;
		parties: Array<{ organizationId: string; name: string; side: Party }>;
		signedAt: string | null;
		effectiveDate: string | null;
		reviewDueOn: string | null;
	};
	side: Party;
	/** Counsel of either party read the audit trail and may void an open request (the server checks again). */
	canReadAuditTrail: boolean;
	canVoid: boolean;
	agreedVersion: { id: string; label: string; sha256: string; createdAt: string } | null;
	/** Why this person cannot prepare a request now; null when they can. */
	prepareProblem: string | null;
	/** The open request, else the latest one. */
	current: RequestView | null;
	earlier: Array<{ id: string; status: RequestStatus; createdAt: string; endedAt: string | null; endReason: string | null }>;
}
