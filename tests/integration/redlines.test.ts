import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { counselOfEachParty, createMouBetween, type Person } from '../helpers/fixtures';
import { waitFor, within, type YjsClient } from '../helpers/yjs-client';
import { liveEditing } from '../helpers/live-editing';
import { firstText, plain } from '../helpers/mou-doc';
import { suggestionMark } from '../helpers/stored-edits';
import { listDecisions } from '../../src/lib/server/redlines';
import { decideAsSeen } from '../helpers/decide';
import { CloseCode } from '../../src/lib/collab/protocol';
import { encodeTermProposal, type Party, type SuggestionAttrs } from '../../src/lib/redlines/types';

// Attribution and decisions are the server's word, not the browser's. Each case below is sent by
// a bare Yjs client over the real websocket, authorized by the real session cookie, on an MOU in
// negotiation created from the real template, against real PostgreSQL.

/** An unlocked clause whose first paragraph both parties type into. */
const OPEN_CLAUSE = 'purpose.mission';

let agency: Person;
let district: Person;
const live = liveEditing(async (sql) => ({ agency, district } = await counselOfEachParty(sql)));
const { connected, deps, rowCount, storedDoc } = live;

// ---------------------------------------------------------------------------------------------

const openText = (doc: Y.Doc) => firstText(doc, OPEN_CLAUSE);

function attrs(person: Person, party: Party, id: string, overrides: Partial<SuggestionAttrs> = {}): SuggestionAttrs {
	return { ...suggestionMark(person, party, id, '2027-02-14T10:00:00.000Z'), ...overrides };
}

async function negotiation() {
	const mouId = await createMouBetween(live.sql, agency, district);
	const agencyClient = await connected(agency, mouId);
	const districtClient = await connected(district, mouId);
	return { mouId, agencyClient, districtClient };
}

/** Agency counsel proposes "Monthly meetings. " at the start of the open clause, stored. */
async function agencyInsertion(client: YjsClient, id = 'agency-1'): Promise<void> {
	client.edit((doc) => openText(doc).insert(0, 'Monthly meetings. ', { insertion: attrs(agency, 'agency', id) }));
	await within(client.allStored(), 'agency insertion stored');
}

/** The attacker alone is closed with 4422; the document and the log are as they were. */
async function expectRefused(mouId: string, attacker: YjsClient, rowsBefore: number, textBefore: string, reason: RegExp) {
	const closed = await within(attacker.closed, 'the attacker is disconnected');
	expect(closed.code).toBe(CloseCode.updateRefused);
	expect(closed.reason).toMatch(reason);
	expect(await rowCount(mouId)).toBe(rowsBefore);
	expect(openText(await storedDoc(mouId)).toString()).toBe(textBefore);
}

// ---------------------------------------------------------------------------------------------

describe('tracked suggestions over the websocket', () => {
	it('stores an insertion marked with the writer’s own party and name; the other side sees the mark', async () => {
		const { mouId, agencyClient, districtClient } = await negotiation();
		await agencyInsertion(agencyClient);
		await waitFor(() => plain(openText(districtClient.doc)).includes('Monthly meetings.'), 'district sees it');
		const delta = openText(districtClient.doc).toDelta() as Array<{ insert: string; attributes?: Record<string, SuggestionAttrs> }>;
		expect(delta[0]).toMatchObject({ insert: 'Monthly meetings. ', attributes: { insertion: { party: 'agency', authorId: agency.user.id } } });
		const [binding] = await live.sql`select user_id, party from mou_clients where mou_id = ${mouId} and client_id = ${agencyClient.doc.clientID}`;
		expect(binding).toEqual({ user_id: agency.user.id, party: 'agency' });
	});

	const forgeries: Array<[string, (doc: Y.Doc) => void, RegExp]> = [
		[
			'a suggestion labelled with the other party',
			(doc) => openText(doc).insert(0, 'Forged. ', { insertion: attrs(agency, 'district', 'f1') }),
			/not marked as your party/
		],
		[
			'a suggestion in another person’s name',
			(doc) => openText(doc).insert(0, 'Forged. ', { insertion: attrs(district, 'agency', 'f2') }),
			/not marked as your party/
		],
		['text with no suggestion mark', (doc) => openText(doc).insert(0, 'Untracked. '), /not marked as your party/],
		['a plain deletion of agreed text', (doc) => openText(doc).delete(0, 4), /mark it as a deletion/],
		['reformatting agreed text', (doc) => openText(doc).format(0, 4, { bold: {} }), /formatting of text outside/],
		['a direct change to a term', (doc) => doc.getMap('terms').set('agency_name', 'Forged PD'), /propose the new value/],
		[
			'a term proposal in the other party’s name',
			(doc) => doc.getMap('termProposals').set('agency_name', encodeTermProposal({ ...attrs(agency, 'district', 't1'), value: 'X' })),
			/someone else/
		]
	];
	for (const [name, forge, reason] of forgeries) {
		it(`refuses ${name}, storing nothing`, async () => {
			const { mouId, agencyClient } = await negotiation();
			const rowsBefore = await rowCount(mouId);
			const textBefore = openText(agencyClient.doc).toString();
			agencyClient.edit(forge);
			await expectRefused(mouId, agencyClient, rowsBefore, textBefore, reason);
			expect((await storedDoc(mouId)).getMap('terms').get('agency_name')).not.toBe('Forged PD');
		});
	}

	it('refuses an update written with another connection’s client id', async () => {
		const { mouId, agencyClient } = await negotiation();
		await agencyInsertion(agencyClient);
		const rowsBefore = await rowCount(mouId);
		const textBefore = openText(agencyClient.doc).toString();
		// The district copies the agency's state and writes as the agency's client.
		const impostorDoc = new Y.Doc();
		Y.applyUpdate(impostorDoc, Y.encodeStateAsUpdate(agencyClient.doc));
		impostorDoc.clientID = agencyClient.doc.clientID;
		const impostor = await connected(district, mouId, impostorDoc);
		impostor.edit((doc) => openText(doc).insert(0, 'Impostor. ', { insertion: attrs(agency, 'agency', 'agency-1') }));
		await expectRefused(mouId, impostor, rowsBefore, textBefore, /belongs to someone else/);
		expect(agencyClient.isOpen()).toBe(true);
	});

	it('refuses removing an insertion mark over the websocket: one cannot accept one’s own suggestion', async () => {
		const { mouId, agencyClient } = await negotiation();
		await agencyInsertion(agencyClient);
		const rowsBefore = await rowCount(mouId);
		const textBefore = openText(agencyClient.doc).toString();
		agencyClient.edit((doc) => openText(doc).format(0, 'Monthly meetings. '.length, { insertion: null }));
		await expectRefused(mouId, agencyClient, rowsBefore, textBefore, /decisions are made on the server/);
		const delta = openText(await storedDoc(mouId)).toDelta() as Array<{ attributes?: Record<string, unknown> }>;
		expect(delta[0].attributes?.insertion).toMatchObject({ party: 'agency' });
	});

	it('records a deletion inside the other party’s insertion as a deletion, never erasing it', async () => {
		const { mouId, agencyClient, districtClient } = await negotiation();
		await agencyInsertion(agencyClient);
		await waitFor(() => plain(openText(districtClient.doc)).startsWith('Monthly'), 'district has it');
		districtClient.edit((doc) => openText(doc).format(0, 'Monthly '.length, { deletion: attrs(district, 'district', 'district-1') }));
		await within(districtClient.allStored(), 'deletion mark stored');
		const rowsBefore = await rowCount(mouId);
		const textBefore = openText(districtClient.doc).toString();
		districtClient.edit((doc) => openText(doc).delete(0, 'Monthly '.length));
		await expectRefused(mouId, districtClient, rowsBefore, textBefore, /mark it as a deletion/);
		expect(plain(openText(await storedDoc(mouId))).startsWith('Monthly meetings.')).toBe(true);
	});

	it('lets the author erase text of their own pending insertion (fixing a typo)', async () => {
		const { mouId, agencyClient } = await negotiation();
		await agencyInsertion(agencyClient);
		const rows = await rowCount(mouId);
		agencyClient.edit((doc) => openText(doc).delete(0, 'Monthly '.length));
		// A pure deletion advances no clock, so wait for its row rather than for an acknowledgement.
		for (let tries = 0; (await rowCount(mouId)) === rows && tries < 200; tries++) await new Promise((r) => setTimeout(r, 10));
		expect(plain(openText(await storedDoc(mouId))).startsWith('meetings. ')).toBe(true);
		expect(agencyClient.isOpen()).toBe(true);
	});
});

describe('when negotiation starts', () => {
	it('edits are direct while one party drafts, and tracked from the moment both parties are in', async () => {
		const mouId = await createMouBetween(live.sql, agency, district, 'Draft first', 'draft');
		const drafting = await connected(agency, mouId);
		drafting.edit((doc) => openText(doc).insert(0, 'Drafted directly. '));
		await within(drafting.allStored(), 'direct edit stored');

		await live.sql`update mous set status = 'negotiating' where id = ${mouId}`;
		await live.collab.notify(mouId, 'status'); // resolves once the room has re-read the status
		expect(drafting.isOpen()).toBe(true);
		const rowsBefore = await rowCount(mouId);
		const textBefore = openText(drafting.doc).toString();
		drafting.edit((doc) => openText(doc).insert(0, 'Untracked now. '));
		await expectRefused(mouId, drafting, rowsBefore, textBefore, /not marked as your party/);
		expect(plain(openText(await storedDoc(mouId))).startsWith('Drafted directly. ')).toBe(true);
	});
});

describe('deciding on suggestions', () => {
	it('refuses accepting one’s own suggestion; the other party accepts, and the text stays without a mark', async () => {
		const { mouId, agencyClient, districtClient } = await negotiation();
		await agencyInsertion(agencyClient);
		const own = await decideAsSeen(deps(), agency.user, mouId, { suggestionIds: ['agency-1'], decision: 'accept' });
		expect(own).toEqual({ ok: false, errors: { form: expect.stringMatching(/other party decides/) } });

		const accepted = await decideAsSeen(deps(), district.user, mouId, { suggestionIds: ['agency-1'], decision: 'accept' });
		expect(accepted).toEqual({ ok: true, value: { decided: 1 } });
		for (const doc of [await storedDoc(mouId), agencyClient.doc, districtClient.doc]) {
			await waitFor(() => !JSON.stringify(openText(doc).toDelta()).includes('insertion'), 'mark gone everywhere');
			expect(plain(openText(doc)).startsWith('Monthly meetings. ')).toBe(true);
		}
		const [decision] = await listDecisions(live.sql, mouId);
		expect(decision).toMatchObject({
			suggestionId: 'agency-1',
			decision: 'accept',
			suggestedParty: 'agency',
			decidedBy: district.user.id,
			decidedParty: 'district'
		});
		// The server's change is bound to no person's client: nobody can write with its id.
		const [serverClient] = await live.sql`select user_id from mou_clients where mou_id = ${mouId} and user_id is null`;
		expect(serverClient).toBeDefined();
	});

	it('removes rejected and withdrawn insertions; only the author withdraws', async () => {
		const { mouId, agencyClient } = await negotiation();
		await agencyInsertion(agencyClient, 'agency-1');
		agencyClient.edit((doc) => openText(doc).insert(0, 'Weekly reports. ', { insertion: attrs(agency, 'agency', 'agency-2') }));
		await within(agencyClient.allStored(), 'second insertion stored');

		const notTheirs = await decideAsSeen(deps(), district.user, mouId, { suggestionIds: ['agency-2'], decision: 'withdraw' });
		expect(notTheirs).toMatchObject({ ok: false, errors: { form: expect.stringMatching(/Only its author/) } });
		expect(await decideAsSeen(deps(), district.user, mouId, { suggestionIds: ['agency-1'], decision: 'reject' })).toMatchObject({ ok: true });
		expect(await decideAsSeen(deps(), agency.user, mouId, { suggestionIds: ['agency-2'], decision: 'withdraw' })).toMatchObject({ ok: true });
		const text = plain(openText(await storedDoc(mouId)));
		expect(text).not.toContain('Monthly meetings.');
		expect(text).not.toContain('Weekly reports.');
		expect((await listDecisions(live.sql, mouId)).map((d) => d.decision)).toEqual(['withdraw', 'reject']);
		const events = await live.sql`select summary from mou_events where mou_id = ${mouId} and kind = 'decision' order by id`;
		expect(events.map((e) => e.summary)).toEqual([expect.stringMatching(/rejected a suggestion by/), expect.stringMatching(/withdrew/)]);
	});

	it('accepting a deletion removes the text; a term proposal accepted becomes the term', async () => {
		const { mouId, districtClient } = await negotiation();
		const original = plain(openText(districtClient.doc));
		const firstWord = original.split(' ')[0] + ' ';
		districtClient.edit((doc) => {
			openText(doc).format(0, firstWord.length, { deletion: attrs(district, 'district', 'district-del') });
			doc
				.getMap('termProposals')
				.set('hours_on_campus', encodeTermProposal({ ...attrs(district, 'district', 'district-term'), value: '7:30 a.m. to 4:00 p.m.' }));
		});
		await within(districtClient.allStored(), 'district suggestions stored');
		const result = await decideAsSeen(deps(), agency.user, mouId, { suggestionIds: ['district-del', 'district-term'], decision: 'accept' });
		expect(result).toEqual({ ok: true, value: { decided: 2 } });
		const stored = await storedDoc(mouId);
		expect(plain(openText(stored))).toBe(original.slice(firstWord.length));
		expect(stored.getMap('terms').get('hours_on_campus')).toBe('7:30 a.m. to 4:00 p.m.');
		expect(stored.getMap('termProposals').size).toBe(0);
	});

	it('refuses unknown suggestions and malformed decisions with a message, changing nothing', async () => {
		const { mouId } = await negotiation();
		const rows = await rowCount(mouId);
		expect(await decideAsSeen(deps(), district.user, mouId, { suggestionIds: ['nope'], decision: 'accept' })).toMatchObject({
			ok: false,
			errors: { form: expect.stringMatching(/no longer open/) }
		});
		expect(await decideAsSeen(deps(), district.user, mouId, { suggestionIds: ['x'], decision: 'approve' })).toMatchObject({ ok: false });
		expect(await decideAsSeen(deps(), district.user, mouId, { suggestionIds: ["'; drop table mous; --"], decision: 'accept' })).toMatchObject({
			ok: false
		});
		expect(await rowCount(mouId)).toBe(rows);
	});
});

describe('the agreed text is frozen', () => {
	it('refuses every update once agreed — live connections are told, and the database refuses too', async () => {
		const { mouId, agencyClient, districtClient } = await negotiation();
		await agencyInsertion(agencyClient);
		await live.sql`update mous set status = 'agreed' where id = ${mouId}`;
		await live.collab.notify(mouId, 'status');
		const closed = await within(districtClient.closed, 'writer told the MOU changed status');
		expect(closed.code).toBe(CloseCode.statusChanged);
		const rows = await rowCount(mouId);

		// A writer reconnecting now is read-only: its edit is dropped, not stored.
		const late = await connected(district, mouId);
		late.edit((doc) => openText(doc).insert(0, 'Too late. ', { insertion: attrs(district, 'district', 'late') }));
		await late.roundTrip();
		expect(await rowCount(mouId)).toBe(rows);
		// Decisions are refused as well, and whatever route tries, PostgreSQL refuses the write.
		expect(await decideAsSeen(deps(), district.user, mouId, { suggestionIds: ['agency-1'], decision: 'accept' })).toMatchObject({ ok: false });
		await expect(live.sql`insert into mou_updates (mou_id, update) values (${mouId}, ${new Uint8Array([0, 0])})`).rejects.toThrow(/can no longer change/);
		expect(plain(openText(await storedDoc(mouId)))).not.toContain('Too late.');
	});

	it('withdraws approvals when a change is stored after them', async () => {
		const { mouId, agencyClient } = await negotiation();
		await live.sql`insert into mou_approvals (mou_id, party, user_id, through_seq) values (${mouId}, 'district', ${district.user.id}, 0)`;
		await agencyInsertion(agencyClient);
		expect(await live.sql`select * from mou_approvals where mou_id = ${mouId}`).toHaveLength(0);
		const [event] = await live.sql`select kind, party from mou_events where mou_id = ${mouId} and kind = 'approval_withdrawn'`;
		expect(event).toEqual({ kind: 'approval_withdrawn', party: 'district' });
	});
});
