import * as Y from 'yjs';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import { documentSchema } from '../../src/lib/editor/schema';
import { readStoredMou } from '../../src/lib/document';
import { renderCleanDocx } from '../../src/lib/server/export/render';
import { loadTemplate, templateToDocument } from '../../src/lib/server/templates';
import type { DocNode } from '../../src/lib/templates/types';
import { exportContext, runTexts, unpack } from './export-fixtures';

/** Template 2027.1 in the DOCX: its cross-references printed as the numbers the clauses have in this draft. */

const template = loadTemplate('sro-mou', '2027.1');

function stateOf(document: DocNode): Uint8Array {
	const doc = new Y.Doc({ gc: false });
	prosemirrorJSONToYXmlFragment(documentSchema, document, doc.getXmlFragment('body'));
	doc.getMap<string>('terms').set('agency_name', 'Springfield Police Department');
	const state = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return state;
}

/** The clause's number in `document`, counted the way the draft numbers it. */
function numberIn(document: DocNode, clauseId: string): string {
	let [section, clause] = [0, 0];
	for (const node of document.content ?? []) {
		if (node.type === 'heading' && node.attrs?.level === 2) [section, clause] = [section + 1, 0];
		else if (node.type === 'clause' && ++clause && node.attrs?.clauseId === clauseId) return `${section}.${clause}`;
	}
	throw new Error(`no ${clauseId}`);
}

async function exportText(document: DocNode): Promise<string> {
	const file = await renderCleanDocx({
		...exportContext({ termDefinitions: template.terms }),
		document: readStoredMou(stateOf(document)),
		versionLabel: 'Current draft',
		isDraft: true
	});
	return runTexts(unpack(file.bytes)['word/document.xml']);
}

describe('the DOCX of a 2027.1 draft', () => {
	it('prints every cross-reference as its clause’s current number, renumbered when a clause moves', async () => {
		const fresh = templateToDocument(template);
		const before = numberIn(fresh, 'evaluation.performance');
		const text = await exportText(fresh);
		expect(text).not.toContain('[[');
		expect(text).toContain(`judge it by them under Section ${before}:`);
		expect(text).toContain(`follows the three roles of Section ${numberIn(fresh, 'roles.triad')}:`);

		// The clause moved below the next one: its number follows it, in the file as in the editor.
		const content = [...fresh.content!];
		const at = content.findIndex((n) => n.attrs?.clauseId === 'evaluation.performance');
		[content[at], content[at + 1]] = [content[at + 1], content[at]];
		const reordered = { ...fresh, content };
		const after = numberIn(reordered, 'evaluation.performance');
		expect(after).not.toBe(before);
		const moved = await exportText(reordered);
		expect(moved).toContain(`judge it by them under Section ${after}:`);
		expect(moved).not.toContain(`judge it by them under Section ${before}:`);
	});

	it('shows a reference to a removed clause as a visible gap, never a stale number', async () => {
		const fresh = templateToDocument(template);
		const stale = numberIn(fresh, 'selection.process');
		const removed = { ...fresh, content: fresh.content!.filter((n) => n.attrs?.clauseId !== 'selection.process') };
		const text = await exportText(removed);
		expect(text).toContain('fills the position under [removed section]');
		expect(text).not.toContain(`fills the position under Section ${stale}`);
	});
});
