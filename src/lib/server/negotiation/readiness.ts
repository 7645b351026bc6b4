import type { Sql } from '$lib/server/db';
import { loadDocumentState } from '$lib/server/collab';
import { openSuggestions } from '$lib/server/redlines';
import { assessStoredMou, type MouTemplateRef } from '$lib/server/profiles';
import { storedMouOf, withStoredDoc } from '$lib/document';
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
	const { open, stored } = readDraft(state);
	if (open.length > 0) {
		const bySide = PARTIES.map((side) => [side, open.filter((s) => s.party === side).length] as const)
			.filter(([, count]) => count > 0)
			.map(([side, count]) => `${count} by ${SIDE_NAME[side]}`);
		problems.push(`${plural(open.length, 'open suggestion')} (${bySide.join(', ')}) must be accepted, rejected or withdrawn.`);
	}
	// Everything else is the compliance report's: the same words the panel shows counsel.
	problems.push(...assessStoredMou(stored, mou).blockers);
	return problems;
}

/** The open suggestions and the text of a stored state, from one decode of it. */
function readDraft(state: Uint8Array) {
	return withStoredDoc(state, (doc) => ({ open: openSuggestions(doc), stored: storedMouOf(doc) }));
}

/**
 * Whether the stored draft may go out for signature: no open suggestion, every mandatory item
 * intact with valid values, every required term filled, nothing overriding a locked clause.
 */
export async function draftReadiness(sql: Sql, mou: MouTemplateRef & { id: string }) {
	const state = await loadDocumentState(sql, mou.id);
	const { open, stored } = readDraft(state);
	const report = assessStoredMou(stored, mou, open.length);
	return {
		ready: report.readyForSignature,
		blockers: report.blockers,
		summary: report.summary,
		mandatoryMissing: report.mandatoryMissing,
		emptyRequiredTerms: report.emptyRequiredTerms,
		stateProblems: report.state?.problems ?? []
	};
}
