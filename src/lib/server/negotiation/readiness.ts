import { listOpenSuggestions } from '$lib/server/redlines';
import { mouTemplate, type MouTemplateRef } from '$lib/server/profiles';
import { assessStoredDraft } from '$lib/server/templates/readiness';
import { PARTIES, type Party } from '$lib/mou/party';

const SIDE_NAME: Record<Party, string> = { agency: 'the agency', district: 'the district' };

function plural(count: number, one: string, many = `${one}s`) {
	return `${count} ${count === 1 ? one : many}`;
}

/**
 * Why this state of the draft cannot be approved, in words counsel can act on; empty when it can.
 * Judged on the server from the stored state, never from what a browser reports.
 */
export function approvalBlockers(state: Uint8Array, mou: MouTemplateRef): string[] {
	const problems: string[] = [];
	const open = listOpenSuggestions(state);
	if (open.length > 0) {
		const bySide = PARTIES
			.map((side) => [side, open.filter((s) => s.party === side).length] as const)
			.filter(([, count]) => count > 0)
			.map(([side, count]) => `${count} by ${SIDE_NAME[side]}`);
		problems.push(`${plural(open.length, 'open suggestion')} (${bySide.join(', ')}) must be accepted, rejected or withdrawn.`);
	}
	const report = assessStoredDraft(state, mou);
	if (report.mandatoryMissing.length > 0) {
		problems.push(`Mandatory NASRO ${report.mandatoryMissing.length === 1 ? 'item' : 'items'} not covered: ${report.mandatoryMissing.join(', ')}.`);
	}
	const labels = new Map(mouTemplate(mou).terms.map((t) => [t.key, t.label]));
	if (report.emptyRequiredTerms.length > 0) {
		const names = report.emptyRequiredTerms.map((key) => labels.get(key) ?? key);
		problems.push(`${plural(names.length, 'required term')} still empty: ${names.join(', ')}.`);
	}
	for (const [key, message] of Object.entries(report.termErrors)) {
		problems.push(`${labels.get(key) ?? key}: ${message}`);
	}
	// State law: forbidden wording (Illinois: no citations) and the profile's missing items.
	problems.push(...(report.state?.problems ?? []));
	return problems;
}
