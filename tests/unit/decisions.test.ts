import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyDecisions, DecisionRefused, openSuggestions } from '../../src/lib/server/redlines';
import { suggestionFingerprints } from '../../src/lib/document';
import { encodeTermProposal, type Party, type SuggestionAttrs } from '../../src/lib/redlines/types';

const AGENCY = { userId: '11111111-1111-4111-8111-111111111111', side: 'agency' as const };
const DISTRICT = { userId: '22222222-2222-4222-8222-222222222222', side: 'district' as const };

function mark(party: Party, id: string): SuggestionAttrs {
	const who = party === 'agency' ? AGENCY : DISTRICT;
	return { id, party, authorId: who.userId, authorName: party === 'agency' ? 'Dana Whitfield' : 'Elena Brooks', at: '2027-02-14T10:00:00.000Z' };
}

function paragraph(): Y.XmlElement {
	const element = new Y.XmlElement('paragraph');
	element.insert(0, [new Y.XmlText()]);
	return element;
}

/** body: an agreed clause with mixed suggestions, a paragraph and a whole clause proposed by the agency. */
function draft(): Y.Doc {
	const doc = new Y.Doc({ gc: false });
	const body = doc.getXmlFragment('body');
	const clause = (id: string, paragraphs: Y.XmlElement[]) => {
		const element = new Y.XmlElement('clause');
		element.setAttribute('clauseId', id);
		element.insert(0, paragraphs);
		return element;
	};
	const agreed = paragraph();
	const proposed = paragraph();
	const newClauseParagraph = paragraph();
	body.insert(0, [clause('duties', [agreed, proposed]), clause('custom.meetings', [newClauseParagraph])]);
	const text = (p: Y.XmlElement) => p.get(0) as Y.XmlText;
	text(agreed).insert(0, 'The officer patrols the campus.');
	text(agreed).insert(12, 'never ', { insertion: mark('agency', 'a-never') });
	text(agreed).format(0, 4, { deletion: mark('district', 'd-the') });
	text(proposed).insert(0, 'Weekly reports go to the principal.', { insertion: mark('agency', 'a-reports') });
	text(newClauseParagraph).insert(0, 'The parties meet monthly.', { insertion: mark('agency', 'a-meetings') });
	doc.getMap('termProposals').set('hours_on_campus', encodeTermProposal({ ...mark('district', 'd-hours'), value: '7:30 to 4:00' }));
	return doc;
}

const plain = (doc: Y.Doc) =>
	doc
		.getXmlFragment('body')
		.toArray()
		.map((clause) =>
			(clause as Y.XmlElement)
				.toArray()
				.map((p) =>
					((p as Y.XmlElement).get(0) as Y.XmlText)
						.toDelta()
						.map((op: { insert: string }) => op.insert)
						.join('')
				)
				.join(' / ')
		);

describe('open suggestions', () => {
	it('lists each suggestion once, in document order, with its party and text, and term proposals', () => {
		const open = openSuggestions(draft());
		expect(open.map((s) => [s.id, s.kind, s.party, s.excerpt])).toEqual([
			['d-the', 'deletion', 'district', 'The '],
			['a-never', 'insertion', 'agency', 'never '],
			['a-reports', 'insertion', 'agency', 'Weekly reports go to the principal.'],
			['a-meetings', 'insertion', 'agency', 'The parties meet monthly.'],
			['d-hours', 'term', 'district', 'hours_on_campus → 7:30 to 4:00']
		]);
	});
});

describe('deciding', () => {
	it('accepting keeps inserted text without its mark and removes text whose deletion is accepted', () => {
		const doc = draft();
		applyDecisions(doc, ['a-never'], 'accept', DISTRICT, suggestionFingerprints(doc));
		applyDecisions(doc, ['d-the'], 'accept', AGENCY, suggestionFingerprints(doc));
		expect(plain(doc)[0]).toBe('officer never patrols the campus. / Weekly reports go to the principal.');
		expect(openSuggestions(doc).map((s) => s.id)).toEqual(['a-reports', 'a-meetings', 'd-hours']);
	});

	it('rejecting an inserted paragraph or clause removes the block, not just its text', () => {
		const doc = draft();
		applyDecisions(doc, ['a-reports', 'a-meetings'], 'reject', DISTRICT, suggestionFingerprints(doc));
		expect(plain(doc)).toEqual(['The officer never patrols the campus.']);
	});

	it('rejecting a deletion keeps the text; withdrawing is for the author only', () => {
		const doc = draft();
		applyDecisions(doc, ['d-the'], 'reject', AGENCY, suggestionFingerprints(doc));
		expect(openSuggestions(doc).some((s) => s.id === 'd-the')).toBe(false);
		expect(plain(doc)[0].startsWith('The officer')).toBe(true);
		expect(() => applyDecisions(doc, ['a-never'], 'withdraw', DISTRICT, suggestionFingerprints(doc))).toThrow(DecisionRefused);
		applyDecisions(doc, ['a-never'], 'withdraw', AGENCY, suggestionFingerprints(doc));
		expect(plain(doc)[0]).toBe('The officer patrols the campus. / Weekly reports go to the principal.');
	});

	it('refuses a party deciding its own suggestion, changing nothing', () => {
		const doc = draft();
		const before = Y.encodeStateVector(doc);
		expect(() => applyDecisions(doc, ['a-never', 'd-the'], 'accept', DISTRICT, suggestionFingerprints(doc))).toThrow(/other party decides/);
		expect(Y.encodeStateVector(doc)).toEqual(before);
	});

	it('an accepted term proposal becomes the term; a rejected one just goes', () => {
		const doc = draft();
		applyDecisions(doc, ['d-hours'], 'accept', AGENCY, suggestionFingerprints(doc));
		expect(doc.getMap('terms').get('hours_on_campus')).toBe('7:30 to 4:00');
		expect(doc.getMap('termProposals').size).toBe(0);
	});

	it('a decision and concurrent typing elsewhere converge', () => {
		const server = draft();
		const counsel = new Y.Doc();
		Y.applyUpdate(counsel, Y.encodeStateAsUpdate(server));
		const typed: Uint8Array[] = [];
		counsel.on('update', (u: Uint8Array) => typed.push(u));
		const decided: Uint8Array[] = [];
		server.on('update', (u: Uint8Array) => decided.push(u));
		// District counsel types into the agreed paragraph while the agency's paragraph is rejected.
		const agreedText = ((counsel.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText;
		agreedText.insert(agreedText.length, ' Daily.', { insertion: mark('district', 'd-daily') });
		applyDecisions(server, ['a-reports'], 'reject', DISTRICT, suggestionFingerprints(server));
		for (const u of typed) Y.applyUpdate(server, u);
		for (const u of decided) Y.applyUpdate(counsel, u);
		expect(plain(server)).toEqual(plain(counsel));
		expect(plain(server)[0]).toBe('The officer never patrols the campus. Daily.');
	});
});
