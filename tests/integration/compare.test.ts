import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { counselForFile } from '../helpers/file-database';
import { createMouBetween, createOrganization, type Person } from '../helpers/fixtures';
import { loadDocumentState } from '../../src/lib/server/collab';
import { loadComparison, type CompareBlock, type CompareRun } from '../../src/lib/server/compare';
import type { Database } from '../../src/lib/server/db';
import type { Party } from '../../src/lib/redlines/types';
import { storeEditAs, suggestionMark } from '../helpers/stored-edits';

let db: Database;
let agency: Person;
let district: Person;
counselForFile((world) => ({ db, agency, district } = world));

/** A counsel's editor: a Y.Doc on the stored state, whose edits are stored as that person's (as the server would). */
const editAs = (mouId: string, person: Person, party: Party, clientId: number, change: (doc: Y.Doc) => void) =>
	storeEditAs(db.sql, mouId, person, party, clientId, change);

/** What helper B's "send round" stores: the merged state through the latest log row. */
async function recordVersion(mouId: string, number: number, person: Person, party: Party) {
	const state = await loadDocumentState(db.sql, mouId);
	const [{ seq }] = await db.sql`select coalesce(max(seq), 0)::text as seq from mou_updates where mou_id = ${mouId}`;
	const [row] = await db.sql<{ id: string }[]>`
		insert into mou_versions (mou_id, number, kind, label, party, created_by, through_seq, state, sha256)
		values (${mouId}, ${number}, 'round', ${`Round ${number} — sent by ${party}`}, ${party}, ${person.user.id}, ${seq}, ${state},
			${createHash('sha256').update(state).digest('hex')})
		returning id`;
	return row.id;
}

/** The first paragraph text of the first clause nobody locked. */
function editableText(doc: Y.Doc): Y.XmlText {
	const clause = doc
		.getXmlFragment('body')
		.toArray()
		.find((n) => n instanceof Y.XmlElement && n.nodeName === 'clause' && !n.getAttribute('locked')) as Y.XmlElement;
	const paragraph = clause.toArray().find((n) => n instanceof Y.XmlElement && n.nodeName === 'paragraph') as Y.XmlElement;
	return paragraph.toArray().find((n) => n instanceof Y.XmlText) as Y.XmlText;
}

const mark = (person: Person, party: Party, id: string) => suggestionMark(person, party, id);

function changes(blocks: CompareBlock[]): Pick<CompareRun, 'text' | 'change' | 'party' | 'author'>[] {
	return blocks.flatMap((b) => [
		...b.runs.filter((r) => r.change).map(({ text, change, party, author }) => ({ text, change, party, author })),
		...changes(b.children)
	]);
}

describe('the compare view loader', () => {
	it('compares versions from the table and the current draft, attributing each change to its party', async () => {
		const mouId = await createMouBetween(db.sql, agency, district);
		const round1 = await recordVersion(mouId, 1, district, 'district');
		await editAs(mouId, agency, 'agency', 4001, (doc) => editableText(doc).insert(0, 'Subject to state law, ', { insertion: mark(agency, 'agency', 'a1') }));
		const round2 = await recordVersion(mouId, 2, agency, 'agency');
		let deleted = '';
		await editAs(mouId, district, 'district', 5001, (doc) => {
			const text = editableText(doc);
			const plain = text
				.toDelta()
				.map((op: { insert: string }) => op.insert)
				.join('');
			const start = plain.indexOf(' ', 'Subject to state law, '.length + 10) + 1;
			deleted = plain.slice(start, plain.indexOf(' ', start));
			text.format(start, deleted.length, { deletion: mark(district, 'district', 'd1') });
			doc.getMap('termProposals').set('officer_count', JSON.stringify({ ...mark(district, 'district', 't1'), value: '3' }));
		});

		// Default: the other side's latest round against the current draft — for the agency, the district's Round 1.
		const theirs = await loadComparison(db.sql, agency.user, mouId, { from: null, to: null });
		if (!theirs.ok) throw new Error(theirs.error.message);
		expect(theirs.value).toMatchObject({ from: round1, to: 'current', older: { id: round1 } });

		// For the district, the agency's Round 2.
		const latest = await loadComparison(db.sql, district.user, mouId, { from: null, to: null });
		if (!latest.ok) throw new Error(latest.error.message);
		expect(latest.value.versions.map((v) => [v.id, v.number])).toEqual([
			[round1, 1],
			[round2, 2]
		]);
		expect(latest.value).toMatchObject({
			from: round2,
			to: 'current',
			swapped: false,
			older: { id: round2, label: 'Round 2 — sent by agency' },
			newer: { id: 'current', label: 'Current draft' }
		});
		expect(changes(latest.value.comparison!.blocks)).toEqual([{ text: deleted, change: 'removed', party: 'district', author: district.user.name }]);
		expect(latest.value.comparison!.terms).toMatchObject([{ key: 'officer_count', pending: true, after: '3', party: 'district' }]);
		expect(latest.value.comparison!.terms[0].label).toBeTruthy();

		// Round 1 against the draft: both parties' changes; the insertion attributed through mou_clients.
		const both = await loadComparison(db.sql, agency.user, mouId, { from: round1, to: 'current' });
		if (!both.ok) throw new Error(both.error.message);
		expect(changes(both.value.comparison!.blocks)).toEqual([
			{ text: 'Subject to state law, ', change: 'added', party: 'agency', author: agency.user.name },
			{ text: deleted, change: 'removed', party: 'district', author: district.user.name }
		]);
		expect(both.value.comparison!.summary).toMatchObject({ insertions: { agency: 1, district: 0 }, deletions: { agency: 0, district: 1 } });

		// Chosen newest first: still read older → newer.
		const swapped = await loadComparison(db.sql, agency.user, mouId, { from: round2, to: round1 });
		if (!swapped.ok) throw new Error(swapped.error.message);
		expect(swapped.value).toMatchObject({ swapped: true, older: { id: round1 }, newer: { id: round2 } });
		expect(changes(swapped.value.comparison!.blocks)).toEqual([{ text: 'Subject to state law, ', change: 'added', party: 'agency', author: agency.user.name }]);
	});

	it('refuses non-parties, malformed ids and versions of other MOUs', async () => {
		const mouId = await createMouBetween(db.sql, agency, district);
		const other = await createMouBetween(db.sql, agency, district, 'Another MOU');
		const foreign = await recordVersion(other, 1, agency, 'agency');
		const stranger = await createOrganization(db.sql, 'agency');
		expect(await loadComparison(db.sql, stranger.user, mouId, { from: null, to: null })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect(await loadComparison(db.sql, stranger.user, other, { from: foreign, to: 'current' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect(await loadComparison(db.sql, agency.user, mouId, { from: 'round-1', to: null })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
		expect(await loadComparison(db.sql, agency.user, mouId, { from: foreign, to: 'current' })).toMatchObject({
			ok: false,
			error: { code: 'not_found', message: expect.stringMatching(/no such version/i) }
		});
	});

	it('has nothing to compare before the first round', async () => {
		const mouId = await createMouBetween(db.sql, agency, district);
		const result = await loadComparison(db.sql, district.user, mouId, { from: null, to: null });
		expect(result).toMatchObject({ ok: true, value: { versions: [], from: 'current', to: 'current', comparison: null } });
	});
});
