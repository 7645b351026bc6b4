import { readStoredMou } from '../../document';
import { assessCompliance, type ComplianceReport } from '../../templates/compliance';
import { loadChecklist, loadTemplate } from './index';

/**
 * The compliance report of a stored draft, computed on the server from its Yjs state with the
 * same rules the compliance panel shows — what approval and signing will rely on, never the browser.
 */
export function assessStoredDraft(state: Uint8Array, templateId: string, templateVersion: string): ComplianceReport {
	const { body, terms: termValues } = readStoredMou(state);
	const template = loadTemplate(templateId, templateVersion);
	return assessCompliance({
		checklist: loadChecklist(templateId, templateVersion),
		template,
		document: body,
		terms: template.terms,
		termValues
	});
}
