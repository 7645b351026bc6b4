import type { SessionUser } from '$lib/server/auth';
import type { Role } from '$lib/mou/lifecycle';
import type { Party } from '$lib/mou/party';
import { CAPACITY_LABEL, type Capacity, type PrepareErrors, type SignerOption } from '$lib/signing/types';
import type { Queryable } from './store/queryable';
import * as store from './store';
import type { SignerChoice, ValidSigner } from './validation';

/**
 * Who may sign for a party, and in which capacity — the one home of the rule, for the prepare
 * form, for sending, for "Continue with your account" and the dashboard's "Sign now", and again
 * at the signature itself:
 *
 * - every signer, for either party (the sender's own included), is a member of the organization
 *   of the party they sign for, with an account that has proved its address;
 * - the member's role fits the capacity: a binding signature (agency head, superintendent, board
 *   president, city manager, mayor, other authorised signer) and the clerk's attestation need the
 *   signatory role (mou-domain: the chief or sheriff and the superintendent sign, often a mayor,
 *   city manager or board chair, a clerk attests). "Approved as to form" by an attorney is the one
 *   place counsel would fit, but it is no signing capacity here: the template prints those clauses
 *   from the attorney terms, outside the ceremony. A viewer never signs;
 * - the name recorded and printed is the account's, whatever the form says; the title (office) is
 *   the sender's, and the signer reads it in the ceremony before signing.
 */
export const SIGNING_ROLES: Readonly<Record<Capacity, readonly Role[]>> = {
	agency_head: ['signatory'],
	superintendent: ['signatory'],
	board_president: ['signatory'],
	city_manager: ['signatory'],
	mayor: ['signatory'],
	other: ['signatory'],
	clerk: ['signatory']
};

/** Whether a member with this role may sign in this capacity (a stored capacity is a string). */
export function roleMaySign(role: Role, capacity: Capacity | string): boolean {
	return (SIGNING_ROLES[capacity as Capacity] ?? []).includes(role);
}

/** Members of each party who may sign for it (signatories whose address is confirmed), by name. */
export async function eligibleMembers(sql: Queryable, mouId: string): Promise<Record<Party, SignerOption[]>> {
	const rows = await store.listPartyMembers(sql, mouId, ['signatory']);
	const byParty: Record<Party, SignerOption[]> = { agency: [], district: [] };
	for (const m of rows) if (m.verified) byParty[m.side].push({ email: m.email, name: m.name, title: m.title ?? '' });
	return byParty;
}

function roleProblem(name: string, role: Role, capacity: Capacity, partyName: string): string {
	const as = capacity === 'clerk' ? 'attest' : `sign as ${CAPACITY_LABEL[capacity].replace(/ \(.*\)$/, '').toLowerCase()}`;
	return `${name} is ${role === 'counsel' ? 'counsel' : 'a viewer'} at ${partyName}; to ${as} they need the signatory role there. Its administrator can change their role.`;
}

/**
 * The signers as they will be recorded — each with their account's name — or, per form field,
 * why one cannot sign: not a member of the organization they would sign for, a role that does not
 * fit the capacity, an address not confirmed yet.
 */
export async function checkSigners(
	sql: Queryable,
	mouId: string,
	signers: SignerChoice[],
	partyName: (side: Party) => string
): Promise<{ ok: true; signers: ValidSigner[] } | { ok: false; errors: PrepareErrors }> {
	const errors: PrepareErrors = {};
	const named: ValidSigner[] = [];
	for (const party of ['agency', 'district'] as const) {
		const mine = signers.filter((s) => s.party === party);
		if (mine.length === 0) continue;
		const accounts = new Map(
			(
				await store.partyAccounts(
					sql,
					mouId,
					party,
					mine.map((s) => s.email)
				)
			).map((a) => [a.email, a])
		);
		for (const s of mine) {
			const account = accounts.get(s.email);
			const key = `${s.field}.email`;
			if (!account)
				errors[key] = `${s.email} is not a member of ${partyName(party)}, so cannot sign for it. Its administrator can invite them as a signatory first.`;
			else if (!roleMaySign(account.role, s.capacity)) errors[key] = roleProblem(account.name, account.role, s.capacity, partyName(party));
			else if (!account.verified)
				errors[key] =
					`${account.name} (${s.email}) has not confirmed their email address yet, so cannot be named to sign. They can have the link sent again from their account page.`;
			else named.push({ ...s, name: account.name });
		}
	}
	if (Object.keys(errors).length > 0) return { ok: false, errors };
	// In the order the sender listed them (the stages follow it).
	return { ok: true, signers: signers.map((s) => named.find((n) => n.field === s.field)!) };
}

/**
 * Why this account cannot act for this signer, or null when it can: only the account whose address
 * is the signer's, confirmed, a member of the party the signer signs for with a role that fits.
 */
export async function accountProblem(
	sql: Queryable,
	mouId: string,
	signer: { email: string; party: Party; capacity: string },
	user: SessionUser | null | undefined
): Promise<string | null> {
	if (!user || user.email.toLowerCase() !== signer.email.toLowerCase()) return 'You are not signed in as this signer. Use the emailed code instead.';
	if (!user.emailVerified) return 'Confirm your email address first (the link we mailed you), or use the emailed code.';
	const [account] = await store.partyAccounts(sql, mouId, signer.party, [signer.email.toLowerCase()]);
	if (!account || account.userId !== user.id || !roleMaySign(account.role, signer.capacity)) {
		return 'Your account cannot sign for this party in this capacity. Use the emailed code, or ask the sender.';
	}
	return null;
}

/**
 * At the signature: the person behind the signer's address still may sign (their membership or
 * role may have changed since the request was sent). Null when they may.
 */
export async function signerNoLongerEligible(sql: Queryable, mouId: string, signer: { email: string; party: Party; capacity: string }): Promise<string | null> {
	const [account] = await store.partyAccounts(sql, mouId, signer.party, [signer.email.toLowerCase()]);
	if (account && account.verified && roleMaySign(account.role, signer.capacity)) return null;
	return 'You can no longer sign for this party: your account is not a signatory of it any more. Decline, or ask the sender to send the MOU again.';
}
