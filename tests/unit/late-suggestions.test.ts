import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { moveSuggestions } from '../../src/lib/server/collab/admission';
import { BODY_FIELD, TERM_PROPOSALS_FIELD } from '../../src/lib/document';
import { encodeTermProposal, parseTermProposal, type SuggestionAttrs } from '../../src/lib/redlines/types';

// The late marks of a decided suggestion move to its successor id; everything else stays as it was.

const attrs = (id: string): SuggestionAttrs => ({
	id,
	party: 'agency',
	authorId: '11111111-1111-4111-8111-111111111111',
	authorName: 'Avery Agency',
	at: '2026-12-03T12:00:00.000Z'
});

function draft(): { doc: Y.Doc; text: Y.XmlText } {
	const doc = new Y.Doc({ gc: false });
	const paragraph = new Y.XmlElement('paragraph');
	doc.getXmlFragment(BODY_FIELD).insert(0, [paragraph]);
	const text = new Y.XmlText();
	paragraph.insert(0, [text]);
	text.insert(0, 'Plain. ');
	text.insert(7, 'Late words.', { insertion: attrs('decided') });
	text.insert(18, ' Gone.', { deletion: attrs('decided') });
	text.insert(24, ' Other.', { insertion: attrs('other') });
	doc.getMap<string>(TERM_PROPOSALS_FIELD).set('visits', encodeTermProposal({ ...attrs('decided'), value: 'weekly' }));
	doc.getMap<string>(TERM_PROPOSALS_FIELD).set('hours', encodeTermProposal({ ...attrs('other'), value: '8' }));
	return { doc, text };
}

describe('moveSuggestions', () => {
	it('gives every mark and term proposal of a decided id its successor, keeping text, author and the other suggestions', () => {
		const { doc, text } = draft();
		moveSuggestions(doc, new Map([['decided', 'successor']]));
		expect(text.toDelta()).toEqual([
			{ insert: 'Plain. ' },
			{ insert: 'Late words.', attributes: { insertion: attrs('successor') } },
			{ insert: ' Gone.', attributes: { deletion: attrs('successor') } },
			{ insert: ' Other.', attributes: { insertion: attrs('other') } }
		]);
		const proposals = doc.getMap<string>(TERM_PROPOSALS_FIELD);
		expect(parseTermProposal(proposals.get('visits'))).toEqual({ ...attrs('successor'), value: 'weekly' });
		expect(parseTermProposal(proposals.get('hours'))).toEqual({ ...attrs('other'), value: '8' });
	});

	it('changes nothing when no mark uses a moved id', () => {
		const { doc } = draft();
		const before = Y.encodeStateVector(doc);
		moveSuggestions(doc, new Map([['unknown', 'successor']]));
		expect(Y.encodeStateVector(doc)).toEqual(before);
	});
});
