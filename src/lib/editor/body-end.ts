import { Extension, type Editor } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { TextSelection } from '@tiptap/pm/state';

/**
 * The end of the body: the text ends in the signature section (a page break, its heading, the
 * parties' locked block and the optional blocks, folded away while their signer is unnamed), where
 * nothing is typed. Ctrl+End goes to the end of the last clause that can be written in, and a new
 * clause goes before the signature section: as a clause while drafting, as a suggested heading and
 * paragraph at the end of the last open clause while negotiating (a clause itself cannot carry a
 * suggestion mark, so the server takes new clauses only while drafting). The text typed under the
 * suggested heading continues its suggestion (suggestions/attrs.ts), so the other side decides the
 * clause as one; rejected, it goes whole, empty paragraph included (server/redlines/apply.ts).
 */

/** The template's signature section (`signatures` in templates/sro-mou): its clause ids start so. */
const SIGNATURES = 'signatures.';

const isClause = (node: PMNode) => node.type.name === 'clause';
const clauseTitle = (node: PMNode) => String(node.attrs.title || 'Untitled clause');

/** Position before the signature section (its page break and heading), or the document's end. */
export function bodyEnd(doc: PMNode): number {
	let first = -1;
	doc.forEach((node, _offset, index) => {
		if (first < 0 && isClause(node) && String(node.attrs.clauseId ?? '').startsWith(SIGNATURES)) first = index;
	});
	if (first < 0) return doc.content.size;
	while (first > 0 && ['heading', 'pageBreak'].includes(doc.child(first - 1).type.name)) first--;
	let pos = 0;
	for (let i = 0; i < first; i++) pos += doc.child(i).nodeSize;
	return pos;
}

/** The last clause ending by `limit` that is neither locked nor folded away, with its position. */
export function lastOpenClause(doc: PMNode, folded: ReadonlySet<string>, limit = doc.content.size): { pos: number; node: PMNode } | null {
	let found: { pos: number; node: PMNode } | null = null;
	doc.forEach((node, pos) => {
		if (!isClause(node) || pos + node.nodeSize > limit || node.attrs.locked) return;
		if (!folded.has(String(node.attrs.clauseId ?? ''))) found = { pos, node };
	});
	return found;
}

/** Inside the end of the clause's last textblock. */
function endOfText(clause: { pos: number; node: PMNode }): number | null {
	let end: number | null = null;
	clause.node.descendants((node, pos) => {
		if (node.isTextblock) end = clause.pos + 1 + pos + 1 + node.content.size;
		return !node.isTextblock;
	});
	return end;
}

/** Ctrl+End (Cmd+End): to the end of the last clause that can be written in, and says where that is. */
export const BodyEnd = Extension.create<{ folded: () => ReadonlySet<string>; announce: (text: string) => void }>({
	name: 'bodyEnd',
	addOptions() {
		return { folded: () => new Set(), announce: () => {} };
	},
	addKeyboardShortcuts() {
		return {
			'Mod-End': ({ editor }) => {
				if (!editor.isEditable) return false; // reading: the document's end is fine
				const { doc } = editor.state;
				const folded = this.options.folded();
				// The body's last open clause; a signature block only when the body has none.
				const clause = lastOpenClause(doc, folded, bodyEnd(doc)) ?? lastOpenClause(doc, folded);
				const pos = clause && endOfText(clause);
				if (clause === null || pos === null) {
					this.options.announce('No clause of this draft can be written in: its clauses are locked.');
					return true;
				}
				editor.view.dispatch(editor.state.tr.setSelection(TextSelection.create(doc, pos)).scrollIntoView());
				this.options.announce(`End of “${clauseTitle(clause.node)}”, the last clause you can write in; the signature blocks follow.`);
				return true;
			}
		};
	}
});

/**
 * Adds a clause titled `title` at the end of the body and puts the caret in its first paragraph.
 * Returns what happened, to be announced, or why nothing did.
 */
export function addClause(editor: Editor, title: string, suggesting: boolean): { ok: boolean; message: string } {
	const { schema, doc } = editor.state;
	const at = bodyEnd(doc);
	const host = suggesting ? lastOpenClause(doc, new Set(), at) : null;
	if (suggesting && !host) return { ok: false, message: 'No open clause before the signatures can take a suggested clause.' };
	const heading = schema.nodes.heading.create({ level: 3 }, schema.text(title));
	// Drafting: a clause of the parties' own. Negotiating: its heading and paragraph, tracked, in the last open clause.
	const [pos, content, caret] = host
		? [host.pos + host.node.nodeSize - 1, [heading, schema.nodes.paragraph.create()], heading.nodeSize + 1]
		: [at, [schema.nodes.clause.create({ title, level: 'custom' }, schema.nodes.paragraph.create())], 2];
	editor.view.dispatch(editor.state.tr.insert(pos, content));
	if (editor.state.doc === doc) return { ok: false, message: 'The clause could not be added here.' };
	// Set afterwards: suggesting mode rewrites the insertion (marks it) without moving it.
	if (pos + caret <= editor.state.doc.content.size && editor.state.doc.resolve(pos + caret).parent.type.name === 'paragraph')
		editor.view.dispatch(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, pos + caret)).scrollIntoView());
	editor.view.focus();
	return host
		? {
				ok: true,
				message: `New clause “${title}” suggested at the end of “${clauseTitle(host.node)}”, before the signatures. Type its text; it stays your suggestion until the other side decides.`
			}
		: { ok: true, message: `Clause “${title}” added at the end of the body, before the signatures. Type its text.` };
}
