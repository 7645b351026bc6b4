/**
 * The two sides of every MOU: the law enforcement agency and the school district. An
 * organization is of one kind, and joins an MOU as the party of that kind. Shared by server and
 * browser; the one declaration of the party type.
 */
export type Party = 'agency' | 'district';

export const PARTIES: readonly Party[] = ['agency', 'district'];

export function isParty(value: unknown): value is Party {
	return value === 'agency' || value === 'district';
}

export function otherParty(party: Party): Party {
	return party === 'agency' ? 'district' : 'agency';
}
