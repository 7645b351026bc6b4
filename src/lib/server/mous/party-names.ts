import type { Party } from '$lib/mou/party';
import type { CollabServer } from '$lib/server/collab';
import { TERMS_FIELD } from '$lib/document';

/** The fill-in term that names each side in the MOU ("the Agency", "the District"). */
export const PARTY_NAME_TERM: Record<Party, string> = { agency: 'agency_name', district: 'district_name' };

/**
 * The joining party's organization names its side, unless the drafting party already typed a
 * name there (theirs stands: a legal name may differ from how the organization signs in).
 */
export async function fillPartyName(
	collab: Pick<CollabServer, 'applyServerChange'>,
	mouId: string,
	actorId: string,
	side: Party,
	organizationName: string
): Promise<void> {
	await collab.applyServerChange(mouId, actorId, (doc) => {
		const terms = doc.getMap<string>(TERMS_FIELD);
		const key = PARTY_NAME_TERM[side];
		if (!terms.get(key)?.trim()) terms.set(key, organizationName);
	});
}
