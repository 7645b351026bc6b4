import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Client, DANA, ELENA, docJson, p, schema, seedDoc, serverVerdict } from './suggest-harness';
import { collectSuggestions } from '../../src/lib/editor/suggestions';
import { applyDecisions } from '../../src/lib/server/redlines';
import { suggestionFingerprints } from '../../src/lib/document';

// "Add a clause" while negotiating puts a suggested heading and an empty paragraph at the end of
// the last open clause; what is typed into that paragraph is the same suggestion as the heading,
// so the other side decides the clause as one, and rejecting it leaves no empty block behind.

const clause = (...content: Record<string, unknown>[]) => ({
	type: 'clause',
	attrs: { clauseId: 'general.provisions', title: 'General', level: 'standard' },
	content
});
const base = () => seedDoc(docJson(clause(p('The parties meet monthly.'))));

/** As `addClause` does: the heading and an empty paragraph at the end of the clause, the caret in the paragraph. */
function addSuggestedClause(client: Client, title: string) {
	const before = new Y.Doc({ gc: false });
	Y.applyUpdate(before, Y.encodeStateAsUpdate(client.doc));
	const update = client.act((s) => {
		const end = s.doc.child(0).nodeSize - 1;
		return s.tr.insert(end, [schema.nodes.heading.create({ level: 3 }, schema.text(title)), schema.nodes.paragraph.create()]);
	});
	expect(serverVerdict(before, update, client.user, [client.doc.clientID])).toBeNull();
	let caret = -1;
	client.state.doc.descendants((node, pos) => {
		if (node.type.name === 'paragraph' && node.content.size === 0) caret = pos + 1;
		return caret < 0;
	});
	client.select(caret);
}

function typeText(client: Client, words: string) {
	const before = new Y.Doc({ gc: false });
	Y.applyUpdate(before, Y.encodeStateAsUpdate(client.doc));
	const update = client.act((s) => s.tr.insertText(words, s.selection.head));
	expect(serverVerdict(before, update, client.user, [client.doc.clientID])).toBeNull();
}

describe('a clause suggested at the end of the body', () => {
	it('is one suggestion: its title and its text carry one id', () => {
		const dana = new Client(DANA, base());
		addSuggestedClause(dana, 'Student records');
		typeText(dana, 'Only with consent.');
		const suggestions = collectSuggestions(dana.state.doc);
		expect(suggestions).toHaveLength(1);
		expect(suggestions[0]).toMatchObject({ kind: 'insertion', party: 'agency', text: 'Student records Only with consent.' });
	});

	it('does not join text typed after a heading the user did not wholly suggest', () => {
		const dana = new Client(DANA, seedDoc(docJson(clause({ type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'Original' }] }, p()))));
		dana.select(dana.state.doc.child(0).nodeSize - 2);
		typeText(dana, 'New text.');
		expect(collectSuggestions(dana.state.doc).map((s) => s.text)).toEqual(['New text.']);
		const dana2 = new Client(DANA, base());
		addSuggestedClause(dana2, 'Student records');
		typeText(dana2, 'First.');
		dana2.act((s) => s.tr.split(s.selection.head));
		typeText(dana2, 'Second paragraph.');
		// Only the paragraph right after the heading continues it; a later one is a suggestion of its own.
		expect(collectSuggestions(dana2.state.doc).map((s) => s.text)).toEqual(['Student records First.', 'Second paragraph.']);
	});

	for (const typed of ['Only with consent.', '']) {
		it(`rejected, leaves no empty block${typed ? '' : ' (nothing typed in it)'}`, () => {
			const dana = new Client(DANA, base());
			addSuggestedClause(dana, 'Student records');
			if (typed) typeText(dana, typed);
			const doc = new Y.Doc({ gc: false });
			Y.applyUpdate(doc, Y.encodeStateAsUpdate(dana.doc));
			const [suggestion] = collectSuggestions(dana.state.doc);
			applyDecisions(doc, [suggestion.id], 'reject', { userId: ELENA.id, side: ELENA.side }, suggestionFingerprints(doc));
			const elena = new Client(ELENA, doc);
			expect((elena.shared().content as Array<{ content: unknown }>)[0].content).toEqual([p('The parties meet monthly.')]);
		});
	}
});
