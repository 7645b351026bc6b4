import { describe, expect, it } from 'vitest';
import { EditorState, TextSelection, AllSelection } from '@tiptap/pm/state';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import { documentSchema } from '../../src/lib/editor/schema';
import { ClauseLock, deleteAroundLockedClauses, findLockViolation } from '../../src/lib/editor/clause-lock';

// The plugin needs an editor only for its options; filterTransaction is tested through EditorState.
const schema = documentSchema;
const p = (text: string) => schema.nodes.paragraph.create(null, schema.text(text));
const clause = (id: string, locked: boolean, ...paras: string[]) =>
	schema.nodes.clause.create({ clauseId: id, title: id, level: locked ? 'required' : 'standard', nasro: locked ? '01.01.04-a' : '', locked }, paras.map(p));
const doc = schema.nodes.doc.create(null, [p('Intro'), clause('open', false, 'Open text'), clause('locked', true, 'Locked text'), p('Outro')]);

function lockPlugin() {
	const plugins = ClauseLock.config.addProseMirrorPlugins!.call({ options: { onBlocked: null } } as never);
	return plugins;
}
const state = () => EditorState.create({ doc, plugins: lockPlugin() });
const lockedStart = (() => {
	let at = -1;
	doc.descendants((n, pos) => {
		if (n.attrs.locked) at = pos;
	});
	return at;
})();

describe('ClauseLock', () => {
	it('refuses typing inside a locked clause and allows it elsewhere', () => {
		const s = state();
		expect(s.apply(s.tr.insertText('X', lockedStart + 3)).doc.eq(doc)).toBe(true);
		expect(s.apply(s.tr.insertText('X', 3)).doc.textContent).toContain('InXtro');
	});
	it('allows inserting right before and after a locked clause', () => {
		const s = state();
		const end = lockedStart + doc.nodeAt(lockedStart)!.nodeSize;
		expect(s.apply(s.tr.insert(lockedStart, p('Before'))).doc.childCount).toBe(5);
		expect(s.apply(s.tr.insert(end, p('After'))).doc.childCount).toBe(5);
	});
	it('refuses formatting, attribute changes and deleting the clause', () => {
		const s = state();
		const end = lockedStart + doc.nodeAt(lockedStart)!.nodeSize;
		expect(s.apply(s.tr.addMark(lockedStart + 2, lockedStart + 6, schema.marks.bold.create())).doc.eq(doc)).toBe(true);
		expect(s.apply(s.tr.setNodeAttribute(lockedStart, 'locked', false)).doc.eq(doc)).toBe(true);
		expect(s.apply(s.tr.delete(lockedStart, end)).doc.eq(doc)).toBe(true);
	});
	it('never filters what comes from Yjs', () => {
		const s = state();
		const tr = s.tr.insertText('remote', lockedStart + 3).setMeta(ySyncPluginKey, { isChangeOrigin: true });
		expect(s.apply(tr).doc.textContent).toContain('remote');
	});
	it('turns select-all + delete into deleting what surrounds locked clauses', () => {
		const s = state();
		const all = s.apply(s.tr.setSelection(new AllSelection(s.doc)));
		expect(findLockViolation(all.tr.deleteSelection())).not.toBeNull();
		const tr = deleteAroundLockedClauses(all)!;
		const after = all.apply(tr).doc;
		expect(after.textContent).toBe('Locked text');
		expect(after.firstChild!.type.name).toBe('paragraph'); // somewhere to type
		expect(tr.selection).toBeInstanceOf(TextSelection);
	});
});
