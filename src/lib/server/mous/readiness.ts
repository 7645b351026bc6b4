import type { Sql } from '$lib/server/db';
import { loadDocumentState } from '$lib/server/collab';
import { assessStoredDraft } from '$lib/server/templates/readiness';
import { listOpenSuggestions } from '$lib/server/redlines';
import type { MouSummary } from './store';

/**
 * Whether the stored draft may go out for signature: no open suggestion, every mandatory item
 * intact with valid values, every required term filled, nothing overriding a locked clause.
 */
export async function draftReadiness(sql: Sql, mou: Pick<MouSummary, 'id' | 'templateId' | 'templateVersion' | 'stateCode' | 'stateProfileVersion'>) {
	const state = await loadDocumentState(sql, mou.id);
	const report = assessStoredDraft(state, mou, listOpenSuggestions(state).length);
	return {
		ready: report.readyForSignature,
		blockers: report.blockers,
		summary: report.summary,
		mandatoryMissing: report.mandatoryMissing,
		emptyRequiredTerms: report.emptyRequiredTerms,
		stateProblems: report.state?.problems ?? []
	};
}
