import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { collectSuggestions, collectTermProposals, excerpt, suggestionRange } from '../../src/lib/editor/suggestions';
import { closeAction } from '../../src/lib/editor/close-policy';
import { CloseCode } from '../../src/lib/collab/protocol';
import { encodeTermProposal, type SuggestionAttrs } from '../../src/lib/redlines/types';
import { DANA, ELENA, del, docJson, ins, p, schema, text, term } from './suggest-harness';

const doc = () =>
	schema.nodeFromJSON(
		docJson(
			p('Keep ', text('struck', [del(ELENA, 'd1')]), ' and ', text('new ', [ins(DANA, 'i1')]), term('amount'), text('words', [ins(DANA, 'i1')])),
			p(text('more new', [ins(DANA, 'i1')]), ' end')
		)
	);

describe('the suggestions list', () => {
	it('has one entry per suggestion id, in document order, text joined across terms and paragraphs', () => {
		const list = collectSuggestions(doc());
		expect(list.map((s) => [s.kind, s.id, s.party, s.text])).toEqual([
			['deletion', 'd1', 'district', 'struck'],
			['insertion', 'i1', 'agency', 'new  words more new']
		]);
		expect(list[1].authorName).toBe('Dana Whitfield');
	});

	it('finds where a suggestion is now, for scrolling to it', () => {
		const d = doc();
		const range = suggestionRange(d, 'd1')!;
		expect(d.textBetween(range.from, range.to)).toBe('struck');
		expect(suggestionRange(d, 'gone')).toBeNull();
	});

	it('lists well-formed term proposals and skips malformed ones', () => {
		const ydoc = new Y.Doc();
		const map = ydoc.getMap<string>('termProposals');
		map.set('amount', encodeTermProposal({ ...(ins(ELENA, 'p1').attrs as SuggestionAttrs), value: '$120,000' }));
		map.set('broken', '{"value": 3}');
		const list = collectTermProposals(map);
		expect(list).toHaveLength(1);
		expect(list[0]).toMatchObject({ key: 'amount', proposal: { id: 'p1', party: 'district', value: '$120,000' } });
	});

	it('shortens long excerpts at a word', () => {
		expect(excerpt('word '.repeat(40), 30)).toBe('word word word word word word…');
		expect(excerpt('short')).toBe('short');
	});
});

describe('when the MOU stops being editable', () => {
	it('a 4409 close reloads the page data instead of retrying or stopping', () => {
		expect(closeAction(CloseCode.statusChanged, '').kind).toBe('status');
		expect(closeAction(CloseCode.updateRefused, '').kind).toBe('resync');
	});
});
