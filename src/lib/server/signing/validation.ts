import { cleanText, normalizeEmail } from '$lib/server/orgs';
import type { Party } from '$lib/mou/party';
import { CAPACITIES, type Capacity, type PrepareDraft, type PrepareErrors, type RecipientDraft, type Routing, type SignerDraft } from '$lib/signing/types';
import { addMonths, dayIn, endOfDayIn, parseDay } from './dates';

/**
 * The prepare form: read as typed (so a refused form comes back whole), then checked. Field
 * names: signers.N.email|title|party|capacity|accessCode, clerk.enabled|email|title|party|accessCode,
 * recipients.N.name|email, routing, expiresOn, reminderDays, message. A signer is chosen by the
 * address of their account: no name is read, the account's is recorded (`checkSigners` in
 * eligibility.ts decides who may sign).
 */

export const MAX_SIGNERS = 8;
export const MAX_RECIPIENTS = 20;
const MAX_ROWS = 50;

/** A signer as the form names them: who (by address), for which party, in which capacity. */
export interface SignerChoice {
	/** The form's prefix for this person: `signers.N` or `clerk`. */
	field: string;
	title: string;
	email: string;
	party: Party;
	capacity: Capacity;
	role: 'signer' | 'attester';
	accessCode: boolean;
}

/** A signer checked against their account (`checkSigners`): the name is the account's. */
export interface ValidSigner extends SignerChoice {
	name: string;
}

export interface ValidPrepare {
	signers: SignerChoice[];
	recipients: Array<{ name: string; email: string }>;
	routing: Routing;
	expiresOn: string;
	expiresAt: Date;
	reminderDays: number;
	message: string;
}

const str = (form: FormData, name: string) => {
	const value = form.get(name);
	return typeof value === 'string' ? value.slice(0, 2000) : '';
};

function rowIndexes(form: FormData, prefix: string): number[] {
	const found = new Set<number>();
	for (const key of form.keys()) {
		const match = new RegExp(`^${prefix}\\.(\\d{1,3})\\.`).exec(key);
		if (match && Number(match[1]) < MAX_ROWS) found.add(Number(match[1]));
	}
	return [...found].sort((a, b) => a - b);
}

function signerDraft(form: FormData, prefix: string): SignerDraft {
	return {
		title: str(form, `${prefix}.title`),
		email: str(form, `${prefix}.email`),
		party: str(form, `${prefix}.party`),
		capacity: str(form, `${prefix}.capacity`),
		accessCode: str(form, `${prefix}.accessCode`) === 'on' ? 'on' : ''
	};
}

export function parsePrepareForm(form: FormData): PrepareDraft {
	const clerkEnabled = str(form, 'clerk.enabled') === 'on';
	return {
		signers: rowIndexes(form, 'signers').map((i) => signerDraft(form, `signers.${i}`)),
		clerk: clerkEnabled ? { ...signerDraft(form, 'clerk'), capacity: 'clerk' } : null,
		recipients: rowIndexes(form, 'recipients').map((i): RecipientDraft => ({
			name: str(form, `recipients.${i}.name`),
			email: str(form, `recipients.${i}.email`)
		})),
		routing: str(form, 'routing'),
		expiresOn: str(form, 'expiresOn'),
		reminderDays: str(form, 'reminderDays'),
		message: str(form, 'message')
	};
}

const blank = (s: SignerDraft) => !s.title.trim() && !s.email.trim();

/** Which party a capacity belongs to; null when either party may use it. */
const CAPACITY_PARTY: Partial<Record<Capacity, Party>> = {
	agency_head: 'agency',
	superintendent: 'district',
	board_president: 'district'
};

export function validatePrepare(
	draft: PrepareDraft,
	now: Date,
	zone: string
): { ok: true; value: ValidPrepare; draft: PrepareDraft } | { ok: false; errors: PrepareErrors; draft: PrepareDraft } {
	const errors: PrepareErrors = {};
	// Blank rows are dropped (and the kept rows renumbered) so the form comes back as it will be read.
	const cleaned: PrepareDraft = {
		...draft,
		signers: draft.signers.filter((s) => !blank(s)),
		recipients: draft.recipients.filter((r) => r.name.trim() || r.email.trim())
	};
	const signers: SignerChoice[] = [];
	const seen = new Map<string, string>();

	function checkPerson(s: SignerDraft, key: string, role: 'signer' | 'attester'): SignerChoice | null {
		const title = cleanText(s.title, 120);
		const email = normalizeEmail(s.email);
		let ok = true;
		const refuse = (field: string, message: string) => {
			errors[`${key}.${field}`] = message;
			ok = false;
		};
		if (title.length < 2) refuse('title', 'Enter the signer’s title, e.g. Chief of Police.');
		if (!email) refuse('email', s.email.trim() ? `“${s.email.trim().slice(0, 80)}” is not a valid email address.` : 'Choose who signs.');
		else if (seen.has(email)) refuse('email', `${email} is already listed ${seen.get(email)}: each person signs once.`);
		else seen.set(email, key === 'clerk' ? 'as the clerk' : `as signer ${Number(key.split('.')[1]) + 1}`);
		const party = s.party === 'agency' || s.party === 'district' ? s.party : null;
		if (!party) refuse('party', 'Choose the party this person signs for.');
		const capacity = role === 'attester' ? 'clerk' : (CAPACITIES as string[]).includes(s.capacity) && s.capacity !== 'clerk' ? (s.capacity as Capacity) : null;
		if (!capacity) refuse('capacity', 'Choose the capacity in which this person signs.');
		else if (party && CAPACITY_PARTY[capacity] && CAPACITY_PARTY[capacity] !== party) {
			errors[`${key}.capacity`] =
				`A ${capacity === 'agency_head' ? 'chief or sheriff signs for the agency' : 'superintendent or board president signs for the district'}.`;
			ok = false;
		}
		return ok ? { field: key, title, email: email!, party: party!, capacity: capacity!, role, accessCode: s.accessCode === 'on' } : null;
	}

	if (cleaned.signers.length === 0) errors.form = 'Add at least the agency head and the superintendent as signers.';
	if (cleaned.signers.length > MAX_SIGNERS) errors.form = `At most ${MAX_SIGNERS} signers can sign one MOU.`;
	cleaned.signers.forEach((s, i) => {
		const valid = checkPerson(s, `signers.${i}`, 'signer');
		if (valid) signers.push(valid);
	});
	if (cleaned.signers.length > 0 && !errors.form) {
		const missing: string[] = [];
		if (!cleaned.signers.some((s) => s.party === 'agency' && s.capacity === 'agency_head')) missing.push('the agency head (chief of police or sheriff)');
		if (!cleaned.signers.some((s) => s.party === 'district' && s.capacity === 'superintendent')) missing.push('the district superintendent');
		if (missing.length) errors.form = `Add ${missing.join(' and ')} as ${missing.length === 1 ? 'a signer' : 'signers'}.`;
	}
	if (cleaned.clerk) {
		const clerk = checkPerson(cleaned.clerk, 'clerk', 'attester');
		if (clerk) signers.push(clerk);
	}

	const recipients: ValidPrepare['recipients'] = [];
	if (cleaned.recipients.length > MAX_RECIPIENTS) errors.recipients = `At most ${MAX_RECIPIENTS} people can receive copies.`;
	const copies = new Set<string>();
	cleaned.recipients.forEach((r, i) => {
		const email = normalizeEmail(r.email);
		const name = cleanText(r.name, 120);
		if (!email)
			errors[`recipients.${i}.email`] = r.email.trim()
				? `“${r.email.trim().slice(0, 80)}” is not a valid email address.`
				: 'Enter an email address, or clear the row.';
		else if (seen.has(email)) errors[`recipients.${i}.email`] = `${email} is a signer: signers receive the completed MOU anyway.`;
		else if (copies.has(email)) errors[`recipients.${i}.email`] = `${email} is listed twice.`;
		else {
			copies.add(email);
			recipients.push({ name: name || email, email });
		}
	});

	const routing = cleaned.routing === 'parallel' ? 'parallel' : cleaned.routing === 'sequential' ? 'sequential' : null;
	if (!routing) errors.routing = 'Choose the signing order.';

	const today = dayIn(now, zone);
	const latest = addMonths(today, 12);
	const expiresOn = cleaned.expiresOn.trim();
	let expiresAt = new Date(0);
	if (!parseDay(expiresOn)) errors.expiresOn = 'Enter the expiry date as YYYY-MM-DD, e.g. 2027-03-31.';
	else if (expiresOn <= today) errors.expiresOn = `The expiry date must be after today (${today}).`;
	else if (expiresOn > latest) errors.expiresOn = `The expiry date can be at most one year ahead (${latest}).`;
	else expiresAt = endOfDayIn(expiresOn, zone);

	const reminderText = cleaned.reminderDays.trim() || '3';
	const reminderDays = /^\d{1,2}$/.test(reminderText) ? Number(reminderText) : NaN;
	if (!(reminderDays >= 1 && reminderDays <= 30)) errors.reminderDays = 'Remind every 1 to 30 days.';

	const message = cleaned.message.trim();
	if (message.length > 1000) errors.message = 'Keep the message to at most 1,000 characters.';

	if (Object.keys(errors).length > 0) return { ok: false, errors, draft: cleaned };
	return { ok: true, value: { signers, recipients, routing: routing!, expiresOn, expiresAt, reminderDays, message }, draft: cleaned };
}
