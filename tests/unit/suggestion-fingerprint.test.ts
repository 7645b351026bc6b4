import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { parseSeen, seenEntries, suggestionFingerprints } from '../../src/lib/document';
import { encodeTermProposal, type SuggestionAttrs } from '../../src/lib/redlines/types';

const MARK: SuggestionAttrs = {
	id: 'a-1',
	party: 'agency',
	authorId: '11111111-1111-4111-8111-111111111111',
	authorName: 'Dana Whitfield',
	at: '2027-02-14T10:00:00.000Z'
};

/** One paragraph "Reports are due." with "Monthly " suggested by the agency in front. */
function draft(): { doc: Y.Doc; text: Y.XmlText } {
	const doc = new Y.Doc({ gc: false });
	const paragraph = new Y.XmlElement('paragraph');
	const text = new Y.XmlText();
	paragraph.insert(0, [text]);
	doc.getXmlFragment('body').insert(0, [paragraph]);
	text.insert(0, 'Reports are due.');
	text.insert(0, 'Monthly ', { insertion: MARK });
	return { doc, text };
}

/** Another copy of the same document, as the other party's browser has it. */
function copyOf(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc({ gc: false });
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

describe('suggestion fingerprints', () => {
	it('are the same in two copies of one document', () => {
		const { doc } = draft();
		const fingerprint = suggestionFingerprints(doc).get('a-1');
		expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{24}$/);
		expect(suggestionFingerprints(copyOf(doc)).get('a-1')).toBe(fingerprint);
	});

	it('change when the author types inside their run, or deletes from it', () => {
		const { doc, text } = draft();
		const before = suggestionFingerprints(doc).get('a-1');
		text.insert(4, 'x', { insertion: MARK });
		const typed = suggestionFingerprints(doc).get('a-1');
		expect(typed).not.toBe(before);
		text.delete(4, 1);
		expect(suggestionFingerprints(doc).get('a-1')).toBe(before);
		text.delete(0, 1);
		expect(suggestionFingerprints(doc).get('a-1')).not.toBe(before);
	});

	it('do not change for formatting, nor for text outside the run', () => {
		const { doc, text } = draft();
		const before = suggestionFingerprints(doc).get('a-1');
		text.format(0, 3, { bold: true });
		text.insert(text.length, ' Always.');
		expect(suggestionFingerprints(doc).get('a-1')).toBe(before);
	});

	it('tell insertion from deletion, and cover a term proposal’s value', () => {
		const { doc, text } = draft();
		const inserted = suggestionFingerprints(doc).get('a-1');
		text.format(0, 8, { insertion: null, deletion: MARK });
		expect(suggestionFingerprints(doc).get('a-1')).not.toBe(inserted);
		const proposals = doc.getMap<string>('termProposals');
		proposals.set('hours', encodeTermProposal({ ...MARK, id: 't-1', value: '20' }));
		const twenty = suggestionFingerprints(doc).get('t-1');
		proposals.set('hours', encodeTermProposal({ ...MARK, id: 't-1', value: '40' }));
		expect(suggestionFingerprints(doc).get('t-1')).not.toBe(twenty);
	});

	it('go into the form as id:fingerprint and come back out; malformed entries are dropped', () => {
		const { doc } = draft();
		const entries = seenEntries(doc, ['a-1', 'gone']);
		expect(entries).toEqual([`a-1:${suggestionFingerprints(doc).get('a-1')}`]);
		expect(parseSeen([...entries, 'a-2', 'a-3:short', 42])).toEqual(new Map([['a-1', suggestionFingerprints(doc).get('a-1')]]));
	});
});
