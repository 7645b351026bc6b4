import * as Y from 'yjs';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { BODY_FIELD, TERMS_FIELD } from '../../editor/schema';
import { assessCompliance, type ComplianceReport } from '../../templates/compliance';
import type { DocNode } from '../../templates/types';
import { loadChecklist, loadTemplate } from './index';

/**
 * The compliance report of a stored draft, computed on the server from its Yjs state with the
 * same rules the compliance panel shows — what approval and signing will rely on, never the browser.
 */
export function assessStoredDraft(state: Uint8Array, templateId: string, templateVersion: string): ComplianceReport {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, state);
	const template = loadTemplate(templateId, templateVersion);
	const termValues: Record<string, string> = {};
	for (const [key, value] of doc.getMap<unknown>(TERMS_FIELD)) if (typeof value === 'string') termValues[key] = value;
	return assessCompliance({
		checklist: loadChecklist(templateId, templateVersion),
		template,
		document: yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(BODY_FIELD)) as DocNode,
		terms: template.terms,
		termValues
	});
}
