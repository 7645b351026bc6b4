import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { absolutePositionToRelativePosition, initProseMirrorDoc } from '@tiptap/y-tiptap';
import { resolveAnchor } from '../../src/lib/editor/suggestions/comment-highlights';
import { docJson, p, positionOf, schema, seedDoc } from './suggest-harness';

/** What the editor's binding holds: the Y fragment and its mapping to the rendered document. */
function bind(doc: Y.Doc) {
	const type = doc.getXmlFragment('body');
	const { doc: pm, meta } = initProseMirrorDoc(type, schema);
	return { binding: { doc, type, mapping: meta.mapping as Map<unknown, unknown> }, pm };
}

describe('comment anchors in the live text', () => {
	it("follow the text through other people's edits and vanish with it", () => {
		const ydoc = seedDoc(docJson(p('Intro.'), p('The officer will attend events.')));
		const { binding, pm } = bind(ydoc);
		const from = positionOf(pm, 'attend');
		const anchor = {
			from: Y.relativePositionToJSON(absolutePositionToRelativePosition(from, binding.type, binding.mapping as never)),
			to: Y.relativePositionToJSON(absolutePositionToRelativePosition(from + 6, binding.type, binding.mapping as never))
		};
		// JSON round trip, as the comment is stored in the database.
		const stored = JSON.parse(JSON.stringify(anchor));

		// Someone types before the anchored word: the range moves with the word.
		const intro = (ydoc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
		intro.insert(0, 'New ');
		const after = bind(ydoc);
		const range = resolveAnchor(after.binding, stored)!;
		expect(after.pm.textBetween(range.from, range.to)).toBe('attend');

		// The word is deleted: the anchor no longer resolves to any text.
		const body = (ydoc.getXmlFragment('body').get(1) as Y.XmlElement).get(0) as Y.XmlText;
		body.delete('The officer will '.length, 'attend'.length);
		expect(resolveAnchor(bind(ydoc).binding, stored)).toBeNull();
	});

	it('ignores a malformed anchor', () => {
		const { binding } = bind(seedDoc(docJson(p('Text.'))));
		expect(resolveAnchor(binding, { from: 'nonsense', to: 42 })).toBeNull();
	});
});
