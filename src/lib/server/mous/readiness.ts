import type { Sql } from '$lib/server/db';
import { loadDocumentState } from '$lib/server/collab';
import { assessStoredDraft } from '$lib/server/templates/readiness';
import type { MouSummary } from './store';

/** Whether the stored draft may go out for signature: every mandatory item intact, every required term filled. */
export async function draftReadiness(sql: Sql, mou: Pick<MouSummary, 'id' | 'templateId' | 'templateVersion' | 'stateCode' | 'stateProfileVersion'>) {
	const report = assessStoredDraft(await loadDocumentState(sql, mou.id), mou);
	return {
		ready: report.readyForSignature,
		summary: report.summary,
		mandatoryMissing: report.mandatoryMissing,
		emptyRequiredTerms: report.emptyRequiredTerms,
		stateProblems: report.state?.problems ?? []
	};
}
