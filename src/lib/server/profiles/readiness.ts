import { readStoredMou, type StoredMou } from '../../document';
import { assessCompliance, type ComplianceReport } from '../../profiles/compliance';
import { mouProfile, mouTemplate, type MouTemplateRef } from './index';
import { loadChecklist } from '../templates';

/**
 * The compliance report of a stored draft, computed on the server from its Yjs state with the
 * same rules the compliance panel shows — NASRO's items and the MOU's state-law profile — what
 * approval and signing will rely on, never the browser.
 */
export function assessStoredDraft(state: Uint8Array, mou: MouTemplateRef, openSuggestions = 0): ComplianceReport {
	return assessStoredMou(readStoredMou(state), mou, openSuggestions);
}

/** The same report from a draft already read (storedMouOf), when other readers share the decode. */
export function assessStoredMou({ body, terms: termValues }: Pick<StoredMou, 'body' | 'terms'>, mou: MouTemplateRef, openSuggestions = 0): ComplianceReport {
	const template = mouTemplate(mou);
	return assessCompliance({
		checklist: loadChecklist(mou.templateId, mou.templateVersion),
		template,
		document: body,
		terms: template.terms,
		termValues,
		profile: mouProfile(mou),
		openSuggestions
	});
}
