import * as Y from 'yjs';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { BODY_FIELD, TERMS_FIELD } from '$lib/document';
import { documentSchema } from '../../editor/schema';
import { templateToDocument } from '../../templates/document';
import type { ChecklistItem, Template } from '../../templates/types';
// Static imports so the files travel in the Vite/SSR bundle and load under tsx alike.
import sroMou2026_1 from '../../../../templates/sro-mou/2026.1/template.json';
import sroMou2026_1Checklist from '../../../../templates/sro-mou/2026.1/checklist.json';
import sroMou2027_1 from '../../../../templates/sro-mou/2027.1/template.json';
import sroMou2027_1Checklist from '../../../../templates/sro-mou/2027.1/checklist.json';

export { templateToDocument };

interface TemplateVersion {
	template: Template;
	checklist: ChecklistItem[];
}

/** Published template versions. A new version is a new folder plus one line here; old ones stay. */
const VERSIONS: Record<string, TemplateVersion> = {
	'sro-mou@2026.1': deepFreeze({
		template: sroMou2026_1 as Template,
		checklist: sroMou2026_1Checklist as ChecklistItem[]
	}),
	'sro-mou@2027.1': deepFreeze({
		template: sroMou2027_1 as Template,
		checklist: sroMou2027_1Checklist as ChecklistItem[]
	})
};

/** New drafts start here; MOUs keep the version they were created from (2026.1 stays loadable). */
export const DEFAULT_TEMPLATE = { id: 'sro-mou', version: '2027.1' } as const;

/** Every published version, oldest first (lint and tests walk them all). */
export function publishedVersions(): { id: string; version: string }[] {
	return Object.keys(VERSIONS).map((key) => {
		const [id, version] = key.split('@');
		return { id, version };
	});
}

/** The template (frozen: it is shared by every request). */
export function loadTemplate(id: string = DEFAULT_TEMPLATE.id, version: string = DEFAULT_TEMPLATE.version): Template {
	return templateVersion(id, version).template;
}

/** The NASRO checklist the template version answers to. */
export function loadChecklist(id: string = DEFAULT_TEMPLATE.id, version: string = DEFAULT_TEMPLATE.version): ChecklistItem[] {
	return templateVersion(id, version).checklist;
}

/**
 * The first Yjs update of a new draft: `body` holds the template document, `terms` every term's
 * default ('' when it has none) unless `values` gives one (the parties' names from their organizations). v1 encoding, from a doc without GC so history stays complete.
 */
export function initialDocumentUpdate(template: Template, values: Record<string, string> = {}): Uint8Array {
	const ydoc = new Y.Doc({ gc: false });
	ydoc.transact(() => {
		prosemirrorJSONToYXmlFragment(documentSchema, templateToDocument(template), ydoc.getXmlFragment(BODY_FIELD));
		const terms = ydoc.getMap<string>(TERMS_FIELD);
		for (const term of template.terms) terms.set(term.key, values[term.key] ?? term.default ?? '');
	});
	const update = Y.encodeStateAsUpdate(ydoc);
	ydoc.destroy();
	return update;
}

function templateVersion(id: string, version: string): TemplateVersion {
	const found = VERSIONS[`${id}@${version}`];
	if (!found) throw new Error(`Unknown template ${id}@${version}`);
	return found;
}

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value)) deepFreeze(child);
	}
	return value;
}
