import type { MouParty } from '$lib/server/mous';
import { PARTY_NAME_TERM } from '$lib/server/mous';
import { loadTemplate } from '$lib/server/templates';
import { currentProfile, isStateCode, upgradedStart, type UpgradeReport } from '$lib/server/profiles';
import { applyProfile } from '$lib/profiles';
import type { MouRecord } from '$lib/mou/record';

/** Where a review draft starts: its template and profile versions and its first document state. */
export interface ReviewStart {
	templateVersion: string;
	stateProfileVersion: string;
	state: Uint8Array;
	/** Set when the draft moved to a newer template than the signed MOU's. */
	upgrade: (UpgradeReport & { from: string; to: string }) | null;
}

/**
 * A review draft starts from the newest template under the MOU's state profile (issue 13: an MOU
 * never changes template under its parties, but its next version may): the signed MOU keeps its
 * own. On the same template the draft is the signed state byte for byte, so its history continues.
 */
export function reviewStart(signed: MouRecord, signedState: Uint8Array, parties: readonly Pick<MouParty, 'side' | 'name'>[]): ReviewStart {
	const same: ReviewStart = { templateVersion: signed.templateVersion, stateProfileVersion: signed.stateProfileVersion, state: signedState, upgrade: null };
	const newest = loadTemplate();
	if (newest.id !== signed.templateId || newest.version.localeCompare(signed.templateVersion, 'en', { numeric: true }) <= 0) return same;
	const profile = isStateCode(signed.stateCode) ? currentProfile(signed.stateCode, newest) : null;
	if (!profile) return same;
	const names = Object.fromEntries(parties.map((party) => [PARTY_NAME_TERM[party.side], party.name]));
	const { state, report } = upgradedStart(signedState, applyProfile(newest, profile), names);
	return {
		templateVersion: newest.version,
		stateProfileVersion: profile.version,
		state,
		upgrade: { ...report, from: signed.templateVersion, to: newest.version }
	};
}

/** The review draft's history line on where it started from. */
export function startSummary(year: number, signedTitle: string, upgrade: ReviewStart['upgrade']): string {
	const start = `Started the ${year} review from the signed text of “${signedTitle}”`;
	if (!upgrade) return start;
	const carried = upgrade.carriedClauses.length ? `; the Parties’ own clauses carried over: ${upgrade.carriedClauses.join(', ')}` : '';
	const cleared = upgrade.cleared.length
		? `; left empty because template ${upgrade.to} refuses the signed value: ${upgrade.cleared.map((c) => `${c.label} (“${c.value}”)`).join(', ')}`
		: '';
	return `${start}, on template ${upgrade.to} (the signed MOU stays on ${upgrade.from})${carried}${cleared}`;
}
