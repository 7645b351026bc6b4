import { CAPACITY_LABEL } from '../signing/types';
import type { Party } from '../mou/party';
import type { StateProfile } from './types';

/**
 * The signers a profile requires that the prepared list lacks, as one sentence counsel can act
 * on ("Washington requires …"); null when every one is there. Checked on the server when counsel
 * sends the MOU for signature.
 */
export function missingRequiredSigners(
	profile: Pick<StateProfile, 'name' | 'code' | 'requiredSigners'>,
	signers: readonly { party: Party | string; capacity: string; role?: string }[]
): string | null {
	const missing = (profile.requiredSigners ?? []).filter(
		(required) => !signers.some((s) => s.role !== 'attester' && s.party === required.party && s.capacity === required.capacity)
	);
	if (missing.length === 0) return null;
	const names = missing.map((m) => `the ${CAPACITY_LABEL[m.capacity].replace(/ \(.*\)$/, '').toLowerCase()} (for the ${m.party})`);
	const cites = [...new Set(missing.map((m) => m.cite).filter(Boolean))];
	const who = profile.code === 'none' ? 'Every MOU needs' : `${profile.name} requires`;
	return `${who} ${names.join(' and ')} to sign${cites.length ? ` (${cites.join('; ')})` : ''}. Add ${missing.length === 1 ? 'this signer' : 'these signers'} before sending.`;
}
