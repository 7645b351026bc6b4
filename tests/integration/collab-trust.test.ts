import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { counselOfEachParty, createMouBetween, type Person } from '../helpers/fixtures';
import { within, type YjsClient } from '../helpers/yjs-client';
import { liveEditing } from '../helpers/live-editing';
import { body, clause, clauseAttribute, clauseElement, clauseIndex, firstText, plain } from '../helpers/mou-doc';
import { suggestionMark } from '../helpers/stored-edits';
import { decideAsSeen } from '../helpers/decide';
import { CloseCode } from '../../src/lib/collab/protocol';
import type { Party } from '../../src/lib/redlines/types';

// Issue 11 items 2–5, attacked the way a hostile counsel would: a bare Yjs client over the real
// websocket, authorized by the real session cookie, on an MOU made from the real template, against
// real PostgreSQL. Each refused update closes the attacker alone with 4422 and stores nothing.

const OPEN_CLAUSE = 'purpose.mission'; // recommended, unlocked
const OTHER_CLAUSE = 'term.duration'; // standard, unlocked

let agency: Person;
let district: Person;
const live = liveEditing(async (sql) => ({ agency, district } = await counselOfEachParty(sql)));
const { connected, deps, rowCount, storedDoc } = live;

// ---------------------------------------------------------------------------------------------

const attrs = (person: Person, party: Party, id: string) => suggestionMark(person, party, id, '2027-02-14T10:00:00.000Z');

/** The attacker alone is closed with 4422 and nothing of the update is stored. */
async function expectRefused(mouId: string, attacker: YjsClient, rowsBefore: number, reason: RegExp) {
	const closed = await within(attacker.closed, 'the attacker is disconnected');
	expect(closed).toMatchObject({ code: CloseCode.updateRefused, reason: expect.stringMatching(reason) });
	expect(await rowCount(mouId)).toBe(rowsBefore);
}

/**
 * Writes a change straight into the log, as an older server let it through: the room is not
 * open, so the next one that opens loads it like any stored row.
 */
async function legacyRow(mouId: string, change: (doc: Y.Doc) => void): Promise<void> {
	const doc = await storedDoc(mouId);
	const before = Y.encodeStateVector(doc);
	doc.transact(() => change(doc));
	await live.sql`insert into mou_updates (mou_id, update) values (${mouId}, ${Y.encodeStateAsUpdate(doc, before)})`;
}

// ---------------------------------------------------------------------------------------------

describe('suggestion ids belong to one author and party (issue 11 item 2)', () => {
	it('refuses a mark that reuses the other party’s suggestion id, so nobody can decide on their own text as the other’s', async () => {
		const mouId = await createMouBetween(live.sql, agency, district);
		const districtClient = await connected(district, mouId);
		districtClient.edit((doc) => firstText(doc, OPEN_CLAUSE).insert(0, 'Quarterly reviews. ', { insertion: attrs(district, 'district', 'shared-x') }));
		await within(districtClient.allStored(), 'district insertion stored');
		const rows = await rowCount(mouId);

		const attacker = await connected(agency, mouId);
		attacker.edit((doc) => firstText(doc, OTHER_CLAUSE).insert(0, 'Officers may search lockers. ', { insertion: attrs(agency, 'agency', 'shared-x') }));
		await expectRefused(mouId, attacker, rows, /suggestion id shared-x/);
		expect(plain(firstText(await storedDoc(mouId), OTHER_CLAUSE))).not.toContain('search lockers');
	});

	it('refuses a decision when any mark of the suggestion is the decider’s own party’s, not only the first one found', async () => {
		const mouId = await createMouBetween(live.sql, agency, district);
		await legacyRow(mouId, (doc) => {
			firstText(doc, OPEN_CLAUSE).insert(0, 'Quarterly reviews. ', { insertion: attrs(district, 'district', 'mixed') });
			firstText(doc, OTHER_CLAUSE).insert(0, 'Officers may search lockers. ', { insertion: attrs(agency, 'agency', 'mixed') });
		});
		const result = await decideAsSeen(deps(), agency.user, mouId, { suggestionIds: ['mixed'], decision: 'accept' });
		expect(result).toMatchObject({ ok: false, errors: { form: expect.stringMatching(/Your party made/) } });
		const text = firstText(await storedDoc(mouId), OTHER_CLAUSE);
		expect(JSON.stringify(text.toDelta())).toContain('"insertion"'); // still a suggestion, not accepted text
	});
});

describe('only the template makes locked or required clauses (issue 11 item 3)', () => {
	it('refuses a new clause a client marks locked and required', async () => {
		const mouId = await createMouBetween(live.sql, agency, district, undefined, 'draft');
		const attacker = await connected(agency, mouId);
		const rows = await rowCount(mouId);
		attacker.edit((doc) =>
			body(doc).insert(clauseIndex(doc, OPEN_CLAUSE) + 1, [
				clauseElement({ title: 'Searches', level: 'required', nasro: '01.01.02', locked: true }, 'Officers may search lockers at will.')
			])
		);
		await expectRefused(mouId, attacker, rows, /only the template/);
		expect(clauseAttribute(await storedDoc(mouId), 'title')).not.toContain('Searches');
	});

	it('refuses locking an unlocked template clause or raising its level', async () => {
		const mouId = await createMouBetween(live.sql, agency, district, undefined, 'draft');
		for (const [key, value] of [
			['locked', true],
			['level', 'required'],
			['clauseId', 'parties.recitals'],
			['level', null]
		] as const) {
			const attacker = await connected(agency, mouId);
			const rows = await rowCount(mouId);
			attacker.edit((doc) => (value === null ? clause(doc, OPEN_CLAUSE).removeAttribute(key) : clause(doc, OPEN_CLAUSE).setAttribute(key, value as string)));
			await expectRefused(mouId, attacker, rows, /only the template sets it/);
		}
		expect(clause(await storedDoc(mouId), OPEN_CLAUSE).getAttributes()).toMatchObject({ locked: false, level: 'recommended', clauseId: OPEN_CLAUSE });
	});

	it('lets a draft add a plain clause and put back an unlocked template clause', async () => {
		const mouId = await createMouBetween(live.sql, agency, district, undefined, 'draft');
		const honest = await connected(agency, mouId);
		const template = clause(honest.doc, OTHER_CLAUSE).getAttributes();
		honest.edit((doc) => body(doc).delete(clauseIndex(doc, OTHER_CLAUSE), 1));
		// A deletion moves no clock of the writer's, so "stored" is read from the database.
		for (let tries = 0; clauseAttribute(await storedDoc(mouId), 'title').includes(String(template.title)); tries++) {
			if (tries > 200) throw new Error('the removal was never stored');
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
		honest.edit((doc) =>
			body(doc).insert(clauseIndex(doc, OPEN_CLAUSE) + 1, [
				clauseElement({ title: 'Local terms', level: 'custom', nasro: '', locked: false }, 'Added by the agency.'),
				clauseElement(template, 'Restored.')
			])
		);
		await within(honest.allStored(), 'additions stored');
		expect(honest.isOpen()).toBe(true);
		const stored = await storedDoc(mouId);
		expect(clauseAttribute(stored, 'title')).toContain('Local terms');
		expect(plain(firstText(stored, OTHER_CLAUSE))).toBe('Restored.');
	});

	it('answers a decision it cannot apply with a refusal, never an error', async () => {
		const mouId = await createMouBetween(live.sql, agency, district);
		// A client-made locked clause holding an agency insertion, as an older server stored it.
		await legacyRow(mouId, (doc) => {
			const fake = clauseElement({ clauseId: 'fake', title: 'Searches', level: 'required', nasro: '', locked: true }, '');
			body(doc).insert(clauseIndex(doc, OPEN_CLAUSE) + 1, [fake]);
			((fake.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'Lockers may be searched. ', { insertion: attrs(agency, 'agency', 'in-fake') });
		});
		const result = await decideAsSeen(deps(), district.user, mouId, { suggestionIds: ['in-fake'], decision: 'reject' });
		expect(result).toMatchObject({ ok: false, errors: { form: expect.stringMatching(/cannot be applied|could not be applied/) } });
	});
});

describe('while negotiating, every visible change is a suggestion (issue 11 item 4)', () => {
	it('refuses a new clause with a heading and no suggestion mark', async () => {
		const mouId = await createMouBetween(live.sql, agency, district);
		const attacker = await connected(agency, mouId);
		const rows = await rowCount(mouId);
		attacker.edit((doc) => {
			const element = new Y.XmlElement('clause');
			element.setAttribute('title', 'The agency may search lockers');
			element.insert(0, [new Y.XmlElement('paragraph')]);
			body(doc).insert(clauseIndex(doc, OPEN_CLAUSE) + 1, [element]);
		});
		await expectRefused(mouId, attacker, rows, /adds a clause while negotiating/);
		expect(clauseAttribute(await storedDoc(mouId), 'title')).not.toContain('The agency may search lockers');
	});

	it('refuses renaming a clause the writer added while drafting', async () => {
		const mouId = await createMouBetween(live.sql, agency, district, undefined, 'draft');
		const drafting = await connected(agency, mouId);
		drafting.edit((doc) =>
			body(doc).insert(clauseIndex(doc, OPEN_CLAUSE) + 1, [clauseElement({ title: 'Local terms', level: 'custom', nasro: '', locked: false }, 'Agreed.')])
		);
		await within(drafting.allStored(), 'draft clause stored');
		drafting.close();
		await live.sql`update mous set status = 'negotiating' where id = ${mouId}`;
		await live.collab.notify(mouId, 'status');

		const attacker = await connected(agency, mouId);
		const rows = await rowCount(mouId);
		attacker.edit((doc) => (body(doc).get(clauseIndex(doc, OPEN_CLAUSE) + 1) as Y.XmlElement).setAttribute('title', 'No limits on searches'));
		await expectRefused(mouId, attacker, rows, /clause heading/);
		expect(clauseAttribute(await storedDoc(mouId), 'title')).toContain('Local terms');
	});
});

describe('every write to the terms is validated (issue 11 item 5)', () => {
	const overwrites: Array<[string, string, unknown, RegExp]> = [
		['a number', 'sro_count', 99, /not text/],
		['an object', 'agency_name', { evil: true }, /not text/],
		['5,000 characters', 'agency_name', 'x'.repeat(5_000), /longer than 4000/],
		['a date no date picker gives', 'term_start', 'next week', /YYYY-MM-DD/],
		['a line break in a one-line term', 'agency_name', 'Springfield PD\nand anyone else', /single line/]
	];
	for (const [what, key, value, reason] of overwrites) {
		it(`refuses overwriting ${key} with ${what}`, async () => {
			const mouId = await createMouBetween(live.sql, agency, district, undefined, 'draft');
			const before = (await storedDoc(mouId)).getMap('terms').get(key);
			const attacker = await connected(agency, mouId);
			const rows = await rowCount(mouId);
			attacker.edit((doc) => doc.getMap('terms').set(key, value));
			await expectRefused(mouId, attacker, rows, reason);
			expect((await storedDoc(mouId)).getMap('terms').get(key)).toBe(before);
		});
	}

	it('stores an overwrite that fits the term', async () => {
		const mouId = await createMouBetween(live.sql, agency, district, undefined, 'draft');
		const honest = await connected(agency, mouId);
		honest.edit((doc) => doc.getMap('terms').set('sro_count', '4'));
		await within(honest.allStored(), 'stored');
		expect((await storedDoc(mouId)).getMap('terms').get('sro_count')).toBe('4');
	});
});

describe('a decision and its record are one unit (issue 11 item 8)', () => {
	it('stores neither the change nor the record when recording fails, and the room keeps working', async () => {
		const mouId = await createMouBetween(live.sql, agency, district);
		const agencyClient = await connected(agency, mouId);
		agencyClient.edit((doc) => firstText(doc, OPEN_CLAUSE).insert(0, 'Monthly meetings. ', { insertion: attrs(agency, 'agency', 'unit-1') }));
		await within(agencyClient.allStored(), 'insertion stored');
		const rows = await rowCount(mouId);

		// The record fails inside the database (as a lost connection or a full disk would).
		await live.sql.unsafe(`
			create or replace function refuse_decisions() returns trigger language plpgsql as $$
			begin raise exception 'decisions cannot be recorded right now'; end $$;
			create trigger refuse_decisions before insert on mou_decisions for each row execute function refuse_decisions();`);
		try {
			const failed = await decideAsSeen(deps(), district.user, mouId, { suggestionIds: ['unit-1'], decision: 'accept' });
			expect(failed).toMatchObject({ ok: false });
		} finally {
			await live.sql.unsafe('drop trigger refuse_decisions on mou_decisions');
		}
		expect(await rowCount(mouId)).toBe(rows);
		expect(JSON.stringify(firstText(await storedDoc(mouId), OPEN_CLAUSE).toDelta())).toContain('"insertion"');
		expect(await live.sql`select 1 from mou_decisions where mou_id = ${mouId}`).toHaveLength(0);

		// Nobody was disconnected, and the same decision succeeds once recording works again.
		expect(agencyClient.isOpen()).toBe(true);
		expect(await decideAsSeen(deps(), district.user, mouId, { suggestionIds: ['unit-1'], decision: 'accept' })).toMatchObject({ ok: true });
		expect(JSON.stringify(firstText(await storedDoc(mouId), OPEN_CLAUSE).toDelta())).not.toContain('"insertion"');
		expect(await live.sql`select decision from mou_decisions where mou_id = ${mouId}`).toEqual([{ decision: 'accept' }]);
	});
});
