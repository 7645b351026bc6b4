import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { documentSchema } from '../../src/lib/editor/schema';
import { compareStates } from '../../src/lib/server/compare/compare';
import type { ClientDirectory } from '../../src/lib/server/compare/attribution';
import type { CompareBlock, CompareRun } from '../../src/lib/compare/types';
import type { SuggestionAttrs, Party } from '../../src/lib/redlines/types';

const SERVER = 1;
const AGENCY = 101;
const DISTRICT = 202;
const USERS: Record<number, { party: Party; author: string }> = {
	[AGENCY]: { party: 'agency', author: 'Dana Whitfield' },
	[DISTRICT]: { party: 'district', author: 'Elena Brooks' }
};
const directory: ClientDirectory = { client: (id) => USERS[id] ?? null };

/** One shared document with three writers (the server seeding it, counsel of each side), kept in sync. */
function world() {
	const docs = [SERVER, AGENCY, DISTRICT].map((clientID) => {
		const doc = new Y.Doc({ gc: false });
		doc.clientID = clientID;
		return doc;
	});
	for (const doc of docs) {
		doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === 'sync') return;
			for (const other of docs) if (other !== doc) Y.applyUpdate(other, update, 'sync');
		});
	}
	const [server, agency, district] = docs;
	server.transact(() => {
		prosemirrorJSONToYXmlFragment(documentSchema, initialDocument(), server.getXmlFragment('body'));
		server.getMap('terms').set('agency_name', 'Springfield PD');
		server.getMap('terms').set('officer_count', '2');
	});
	return { server, agency, district, version: () => Y.encodeStateAsUpdate(server) };
}

function initialDocument() {
	const paragraph = (text: string) => ({ type: 'paragraph', content: [{ type: 'text', text }] });
	return {
		type: 'doc',
		content: [
			{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Purpose' }] },
			{
				type: 'clause',
				attrs: { clauseId: 'purpose', title: 'Purpose', level: 'standard', nasro: '', locked: false },
				content: [
					{
						type: 'paragraph',
						content: [
							{ type: 'text', text: 'The ' },
							{ type: 'term', attrs: { key: 'agency_name' } },
							{ type: 'text', text: ' assigns officers to the schools.' }
						]
					},
					paragraph('Officers wear uniforms at all times.')
				]
			},
			{
				type: 'clause',
				attrs: { clauseId: 'extra', title: 'Extra duties', level: 'recommended', nasro: '', locked: false },
				content: [paragraph('Officers may coach sports teams.')]
			}
		]
	};
}

const mark = (party: Party, id: string): SuggestionAttrs => ({
	id,
	party,
	authorId: party === 'agency' ? '00000000-0000-4000-8000-000000000001' : '00000000-0000-4000-8000-000000000002',
	authorName: party === 'agency' ? 'Dana Whitfield' : 'Elena Brooks',
	at: '2026-02-14T10:00:00.000Z'
});

/** The XmlText of the n-th paragraph of clause `c` in `doc` (text nodes are XmlTexts in y-tiptap). */
function textOf(doc: Y.Doc, clause: number, paragraph: number, piece = 0): Y.XmlText {
	const clauses = doc
		.getXmlFragment('body')
		.toArray()
		.filter((n) => n instanceof Y.XmlElement && n.nodeName === 'clause') as Y.XmlElement[];
	const p = clauses[clause].get(paragraph) as Y.XmlElement;
	return p.toArray().filter((n) => n instanceof Y.XmlText)[piece] as Y.XmlText;
}

/** XmlText.toString() renders formatting as tags; positions count characters only. */
const plain = (text: Y.XmlText) =>
	text
		.toDelta()
		.map((op: { insert: unknown }) => (typeof op.insert === 'string' ? op.insert : ''))
		.join('');

function allRuns(blocks: CompareBlock[]): CompareRun[] {
	return blocks.flatMap((b) => [...b.runs, ...allRuns(b.children)]);
}
const changed = (blocks: CompareBlock[]) =>
	allRuns(blocks)
		.filter((r) => r.change)
		.map((r) => ({ text: r.text, change: r.change, party: r.party, author: r.author, pending: r.pending }));

describe('comparing two versions of an MOU', () => {
	it('shows nothing changed between identical versions', () => {
		const { version } = world();
		const v = version();
		const result = compareStates(v, v, { directory });
		expect(changed(result.blocks)).toEqual([]);
		expect(result.terms).toEqual([]);
		expect(
			allRuns(result.blocks)
				.map((r) => r.text)
				.join('|')
		).toContain('Officers wear uniforms at all times.');
	});

	it('attributes suggested insertions and deletions to the party that made them', () => {
		const w = world();
		const round1 = w.version();
		// Agency suggests an insertion; district suggests deleting "at all times".
		const first = textOf(w.agency, 0, 1);
		first.insert('Officers wear uniforms'.length, ' and badges', { insertion: mark('agency', 'ins1') });
		const second = textOf(w.district, 0, 1);
		const at = plain(second).indexOf(' at all times');
		second.format(at, ' at all times'.length, { deletion: mark('district', 'del1') });
		const result = compareStates(round1, w.version(), { directory });
		expect(changed(result.blocks)).toEqual([
			{ text: ' and badges', change: 'added', party: 'agency', author: 'Dana Whitfield', pending: true },
			{ text: ' at all times', change: 'removed', party: 'district', author: 'Elena Brooks', pending: true }
		]);
		const paragraph = result.blocks[1].children[1];
		expect(paragraph.runs.map((r) => [r.text, r.change])).toEqual([
			['Officers wear uniforms', null],
			[' and badges', 'added'],
			[' at all times', 'removed'],
			['.', null]
		]);
		expect(result.summary.insertions).toEqual({ agency: 1, district: 0, unknown: 0 });
		expect(result.summary.deletions).toEqual({ agency: 0, district: 1, unknown: 0 });
	});
});

describe('decisions the server applies', () => {
	it('attributes accepted deletions to their proposer and rejected insertions to the rejecting party', () => {
		const w = world();
		const round1 = w.version();
		const p = textOf(w.agency, 0, 1);
		p.insert('Officers wear uniforms'.length, ' and badges', { insertion: mark('agency', 'keep') });
		p.insert(plain(p).length - 1, ' on campus', { insertion: mark('agency', 'drop') });
		const d = textOf(w.district, 0, 1);
		d.format(plain(d).indexOf(' at all times'), ' at all times'.length, { deletion: mark('district', 'del') });
		const round2 = w.version();

		// The server: accept "keep" (drop its mark), reject "drop" (delete it), accept "del" (delete the text).
		const s = textOf(w.server, 0, 1);
		s.format(plain(s).indexOf(' and badges'), ' and badges'.length, { insertion: null });
		s.delete(plain(s).indexOf(' on campus'), ' on campus'.length);
		s.delete(plain(s).indexOf(' at all times'), ' at all times'.length);
		const agreed = w.version();
		expect(plain(textOf(w.server, 0, 1))).toBe('Officers wear uniforms and badges.');

		const undone: ClientDirectory = {
			...directory,
			undoneBy: (id) => (id === 'drop' ? { party: 'district', author: 'Elena Brooks' } : null)
		};
		// From before any suggestion: the accepted text is an agency addition, no longer pending;
		// the deletion shows although its mark is gone; the rejected insertion never existed in either.
		expect(changed(compareStates(round1, agreed, { directory: undone }).blocks)).toEqual([
			{ text: ' and badges', change: 'added', party: 'agency', author: 'Dana Whitfield', pending: undefined },
			{ text: ' at all times', change: 'removed', party: 'district', author: 'Elena Brooks', pending: undefined }
		]);
		// From the round with the open suggestions: the rejection removed agency text, by the district
		// (one stretch with the accepted deletion next to it, which the district also made).
		expect(changed(compareStates(round2, agreed, { directory: undone }).blocks)).toEqual([
			{ text: ' at all times on campus', change: 'removed', party: 'district', author: 'Elena Brooks', pending: undefined }
		]);
		// Without a recorded decision, a vanished insertion is put down to its author (withdrawn).
		expect(changed(compareStates(round2, agreed, { directory }).blocks)[1]).toMatchObject({ text: ' on campus', party: 'agency' });
	});
});

describe('direct edits while one party drafts alone', () => {
	it('attributes typed text to its writer and leaves untouched text unchanged', () => {
		const w = world();
		const t = textOf(w.agency, 0, 1);
		t.insert(0, 'Uniformed ');
		const v1 = w.version();
		t.delete(0, 'Uniformed '.length); // the agency takes back its own words
		t.delete(plain(t).indexOf(' at all times'), ' at all times'.length); // and template text
		t.insert(plain(t).length, ' Plain clothes are allowed.');
		const result = compareStates(v1, w.version(), { directory });
		expect(changed(result.blocks)).toEqual([
			{ text: 'Uniformed ', change: 'removed', party: 'agency', author: 'Dana Whitfield', pending: undefined },
			{ text: ' at all times', change: 'removed', party: null, author: undefined, pending: undefined },
			{ text: ' Plain clothes are allowed.', change: 'added', party: 'agency', author: 'Dana Whitfield', pending: undefined }
		]);
		const untouched = result.blocks[1].children[0];
		expect(untouched.change).toBeNull();
		expect(untouched.runs.every((r) => r.change === null)).toBe(true);
		expect(result.summary.deletions).toEqual({ agency: 1, district: 0, unknown: 1 });
	});
});

describe('versions taken mid-typing', () => {
	it('splits text Yjs stores as one item at the version boundary', () => {
		const w = world();
		const t = textOf(w.agency, 0, 1);
		const typeAt = (at: number, chars: string) => [...chars].forEach((c, i) => t.insert(at + i, c));
		typeAt(0, 'Uniformed ');
		const v1 = w.version();
		typeAt('Uniformed '.length, 'and armed ');
		t.delete(0, 'Uni'.length); // part of an item the older version has whole
		const result = compareStates(v1, w.version(), { directory });
		expect(changed(result.blocks)).toEqual([
			{ text: 'Uni', change: 'removed', party: 'agency', author: 'Dana Whitfield', pending: undefined },
			{ text: 'and armed ', change: 'added', party: 'agency', author: 'Dana Whitfield', pending: undefined }
		]);
		expect(result.blocks[1].children[1].runs.map((r) => r.text).join('')).toBe('Uniformed and armed Officers wear uniforms at all times.');
	});
});

describe('whole blocks', () => {
	it('shows a removed clause with its text, and a new clause by the party that added it', () => {
		const w = world();
		const v1 = w.version();
		// The district proposes removing the recommended clause; the server accepts it.
		const extra = textOf(w.district, 1, 0);
		extra.format(0, plain(extra).length, { deletion: mark('district', 'rm') });
		const body = w.server.getXmlFragment('body');
		const index = body.toArray().findIndex((n) => n instanceof Y.XmlElement && n.getAttribute('clauseId') === 'extra');
		body.delete(index, 1);
		// The agency adds a clause of its own.
		const clause = new Y.XmlElement('clause');
		clause.setAttribute('clauseId', 'custom-1');
		clause.setAttribute('title', 'Body cameras');
		const paragraph = new Y.XmlElement('paragraph');
		const text = new Y.XmlText();
		text.insert(0, 'Officers wear body cameras.', { insertion: mark('agency', 'new') });
		paragraph.insert(0, [text]);
		clause.insert(0, [paragraph]);
		const agencyBody = w.agency.getXmlFragment('body');
		agencyBody.insert(agencyBody.length, [clause]);

		const result = compareStates(v1, w.version(), { directory });
		const removed = result.blocks.find((b) => b.change === 'removed')!;
		const added = result.blocks.find((b) => b.change === 'added')!;
		expect(removed).toMatchObject({ type: 'clause', change: 'removed', party: 'district', attrs: { title: 'Extra duties' } });
		expect(removed.children[0].runs).toMatchObject([{ text: 'Officers may coach sports teams.', change: 'removed', party: 'district' }]);
		expect(added).toMatchObject({ type: 'clause', change: 'added', party: 'agency', author: 'Dana Whitfield', attrs: { title: 'Body cameras' } });
		// Each counts once for its party, not once per paragraph inside it.
		expect(result.summary).toMatchObject({
			blocksAdded: 1,
			blocksRemoved: 1,
			insertions: { agency: 1, district: 0, unknown: 0 },
			deletions: { agency: 0, district: 1, unknown: 0 }
		});
	});

	it('puts a term removed with its clause down to the party that removed the text around it', () => {
		const w = world();
		const v1 = w.version();
		const purpose = w.district.getXmlFragment('body').get(1) as Y.XmlElement;
		for (const paragraph of purpose.toArray() as Y.XmlElement[]) {
			for (const text of paragraph.toArray()) if (text instanceof Y.XmlText) text.format(0, plain(text).length, { deletion: mark('district', 'rm') });
		}
		w.server.getXmlFragment('body').delete(1, 1);
		const result = compareStates(v1, w.version(), { directory });
		expect(result.blocks[1].children[0].runs).toMatchObject([
			{ text: 'The ', change: 'removed', party: 'district' },
			{ term: 'agency_name', change: 'removed', party: 'district', author: 'Elena Brooks' },
			{ text: ' assigns officers to the schools.', change: 'removed', party: 'district' }
		]);
	});
});

describe('terms', () => {
	it('lists changed values with who set them, proposals accepted and proposals still open', () => {
		const w = world();
		const v1 = w.version();
		w.agency.getMap('terms').set('officer_count', '3');
		const proposal = { ...mark('district', 'tp1'), value: 'Springfield Police Department' };
		w.district.getMap('termProposals').set('agency_name', JSON.stringify(proposal));
		// The server accepts the district's proposal.
		w.server.transact(() => {
			w.server.getMap('terms').set('agency_name', 'Springfield Police Department');
			w.server.getMap('termProposals').delete('agency_name');
		});
		w.agency.getMap('termProposals').set('officer_count', JSON.stringify({ ...mark('agency', 'tp2'), value: '4' }));

		const result = compareStates(v1, w.version(), {
			directory,
			presentation: { label: (key) => key.toUpperCase(), format: (_key, value) => `«${value}»` }
		});
		expect(result.terms).toEqual([
			{ key: 'agency_name', before: 'Springfield PD', after: 'Springfield Police Department', party: 'district', author: 'Elena Brooks' },
			{ key: 'officer_count', before: '2', after: '3', party: 'agency', author: 'Dana Whitfield' },
			{ key: 'officer_count', before: '3', after: '4', pending: true, party: 'agency', author: 'Dana Whitfield' }
		]);
		expect(result.summary.termsChanged).toBe(3);
		// Inline terms read as the newer version has them.
		const first = result.blocks[1].children[0].runs;
		expect(first.find((r) => r.term)).toMatchObject({ term: 'agency_name', text: '«Springfield Police Department»', change: null });
	});
});
