/**
 * The signing workflow's shared vocabulary: who may sign in which capacity, how a request is
 * routed, and what the pages show. No runtime dependencies: used by server and browser alike.
 */
import type { Party } from '../mou/party';
import type { SignerRole } from './certificate';

export type Routing = 'sequential' | 'parallel';
export type RequestStatus = 'out' | 'completed' | 'declined' | 'voided' | 'expired';
export type SignerStatus = 'waiting' | 'sent' | 'signed' | 'declined';

/** The capacity in which a person signs; decides where their signature block sits. */
export type Capacity = 'agency_head' | 'superintendent' | 'board_president' | 'city_manager' | 'mayor' | 'clerk' | 'other';

export const CAPACITIES: readonly Capacity[] = ['agency_head', 'superintendent', 'board_president', 'city_manager', 'mayor', 'clerk', 'other'];

export const CAPACITY_LABEL: Record<Capacity, string> = {
	agency_head: 'Agency head (chief of police or sheriff)',
	superintendent: 'District superintendent',
	board_president: 'School board president',
	city_manager: 'City manager',
	mayor: 'Mayor',
	clerk: 'Clerk (attests a signature)',
	other: 'Other authorised signer'
};

export const PARTY_LABEL: Record<Party, string> = { agency: 'Agency', district: 'District' };

export const REQUEST_STATUS_LABEL: Record<RequestStatus, string> = {
	out: 'Out for signature',
	completed: 'Completed',
	declined: 'Declined',
	voided: 'Voided',
	expired: 'Expired'
};

export const SIGNER_STATUS_LABEL: Record<SignerStatus, string> = {
	waiting: 'Waiting for earlier signers',
	sent: 'Link sent — not signed yet',
	signed: 'Signed',
	declined: 'Declined'
};

/**
 * One signer row of the prepare form, as chosen (strings), so nothing is lost when it is refused.
 * The person is named by their account's address: the name recorded is the account's.
 */
export interface SignerDraft {
	/** The office the sender gives them ("Chief of Police"); the signer reads it before signing. */
	title: string;
	email: string;
	party: string;
	capacity: string;
	/** 'on' when counsel wants an access code generated for this signer. */
	accessCode: string;
}

export interface RecipientDraft {
	name: string;
	email: string;
}

/** A member of a party who may sign for it, as the prepare form offers them. */
export interface SignerOption {
	email: string;
	name: string;
	title: string;
}

export interface PrepareDraft {
	signers: SignerDraft[];
	clerk: SignerDraft | null;
	recipients: RecipientDraft[];
	routing: string;
	expiresOn: string;
	reminderDays: string;
	message: string;
}

/** Field errors keyed like the form: `signers.0.email`, `clerk.name`, `recipients.1.email`, `expiresOn`, `form`. */
export type PrepareErrors = Record<string, string>;

export interface AuditEntryView {
	seq: number;
	at: string;
	kind: string;
	label: string;
	actor: string;
	ipAddress: string | null;
	userAgent: string | null;
	detail: string | null;
}

export const AUDIT_LABEL: Record<string, string> = {
	prepared: 'Prepared for signature',
	sent: 'Signing link sent',
	delivered: 'Email accepted by the mail server',
	delivery_failed: 'Email not delivered yet (will be retried)',
	viewed: 'Opened the signing link',
	code_sent: 'One-time code sent',
	code_verified: 'One-time code verified',
	code_failed: 'Wrong one-time code entered',
	code_locked: 'One-time code locked after too many wrong tries',
	account_verified: 'Identified by their signed-in account',
	access_code_verified: 'Access code verified',
	access_code_failed: 'Wrong access code entered',
	consent_given: 'Agreed to do business electronically',
	signed: 'Signed',
	declined: 'Declined to sign',
	reminded: 'Reminder sent',
	voided: 'Request voided',
	expired: 'Request expired',
	completed: 'Completed — every signer has signed',
	sealed: 'Signed DOCX issued and digitally signed',
	downloaded: 'Downloaded'
};

export type { SignerRole };
