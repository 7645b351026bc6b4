import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addColleague, createMouBetween, createOrganization, type Person } from '../helpers/fixtures';
import { waitFor, within, type YjsClient } from '../helpers/yjs-client';
import { liveEditing } from '../helpers/live-editing';
import { body, clause, clauseAttribute, clauseIndex, firstParagraph, firstText } from '../helpers/mou-doc';
import { CloseCode } from '../../src/lib/collab/protocol';

// The server is the only thing standing between a hostile client and the locked NASRO language.
// Each attack below is sent by a bare Yjs client over the real websocket, authorized by the
// real session cookie against real PostgreSQL, on an MOU created from the real template.

/** A locked clause of the template with a fill-in term inside its first paragraph. */
const LOCKED = 'arrests.discretion';
/** Unlocked clauses the honest parties type into (the second sits right after the locked one). */
const HONEST_BEFORE = { clause: 'purpose.mission', text: 'Agreed before the attack. ' };
const PEER_AFTER = { clause: 'arrests.alternatives', text: 'Added by the district after the attack. ' };
const HONEST_AFTER = { clause: 'term.duration', text: 'Agreed after the attack. ' };

let agencyCounsel: Person;
let districtCounsel: Person;
let agencySignatory: Person;
let districtViewer: Person;
const live = liveEditing(async (sql) => {
	agencyCounsel = await createOrganization(sql, 'agency');
	districtCounsel = await createOrganization(sql, 'district');
	agencySignatory = await addColleague(sql, agencyCounsel, 'signatory');
	districtViewer = await addColleague(sql, districtCounsel, 'viewer');
});
const { connect, connected, rowCount, storedDoc } = live;

// ---------------------------------------------------------------------------------------------
// The document, as every party's Y.Doc holds it

const termIndex = (paragraph: Y.XmlElement) => paragraph.toArray().findIndex((node) => node instanceof Y.XmlElement && node.nodeName === 'term');

const clauseIds = (doc: Y.Doc) => clauseAttribute(doc, 'clauseId');

// ---------------------------------------------------------------------------------------------
// Connections

async function typeAndStore(client: YjsClient, where: { clause: string; text: string }): Promise<void> {
	client.edit((doc) => firstText(doc, where.clause).insert(0, where.text));
	await within(client.allStored(), 'edit stored');
}

interface Negotiation {
	mouId: string;
	/** Agency counsel, connected before the attack and kept open throughout. */
	honest: YjsClient;
	/** The locked clause as the template created it (attributes, marks, term and all). */
	lockedXml: string;
	clauseOrder: string[];
	terms: Record<string, unknown>;
	rowsBeforeAttack: number;
	refusedBeforeAttack: number;
}

/** A fresh MOU from the template, with agency counsel connected and one edit of theirs stored. */
async function negotiation(): Promise<Negotiation> {
	// Drafting (direct edits): the lock rules hold in every mode; tracked-change rules have their own tests.
	const mouId = await createMouBetween(live.sql, agencyCounsel, districtCounsel, undefined, 'draft');
	const initial = await storedDoc(mouId);
	const honest = await connected(agencyCounsel, mouId);
	await typeAndStore(honest, HONEST_BEFORE);
	return {
		mouId,
		honest,
		lockedXml: clause(initial, LOCKED).toString(),
		clauseOrder: clauseIds(initial),
		terms: initial.getMap('terms').toJSON(),
		rowsBeforeAttack: await rowCount(mouId),
		refusedBeforeAttack: live.collab.stats().updatesRefused
	};
}

/**
 * After an attack: the honest connection is untouched and keeps receiving; a freshly connected
 * district client resyncs to the server state and edits next to the locked clause; the honest
 * client's next edit is stored; a third client sees all the legitimate work and nothing else;
 * the stored locked clause, clause order, roots and terms are as they were.
 */
async function expectNegotiationIntact(n: Negotiation): Promise<void> {
	const { mouId, honest } = n;
	expect(honest.closeEvent).toBeNull();
	expect(honest.isOpen()).toBe(true);

	const district = await connected(districtCounsel, mouId);
	expect(body(district.doc).toString()).toBe(body(honest.doc).toString());
	expect(clause(district.doc, LOCKED).toString()).toBe(n.lockedXml);
	const broadcastsBefore = honest.broadcasts;
	await typeAndStore(district, PEER_AFTER);
	await within(
		waitFor(() => firstText(honest.doc, PEER_AFTER.clause).toString().startsWith(PEER_AFTER.text), 'broadcast'),
		'honest client receives the district edit'
	);
	expect(honest.broadcasts).toBeGreaterThan(broadcastsBefore);

	await typeAndStore(honest, HONEST_AFTER);
	expect(honest.isOpen()).toBe(true);
	expect(district.isOpen()).toBe(true);
	// Exactly the two legitimate edits were stored since the attack.
	expect(await rowCount(mouId)).toBe(n.rowsBeforeAttack + 2);

	const third = await connected(districtViewer, mouId);
	expect(body(third.doc).toString()).toBe(body(honest.doc).toString());
	expect(third.doc.getMap('terms').toJSON()).toEqual(honest.doc.getMap('terms').toJSON());
	for (const edit of [HONEST_BEFORE, PEER_AFTER, HONEST_AFTER]) {
		expect(firstText(third.doc, edit.clause).toString().startsWith(edit.text)).toBe(true);
	}

	const stored = await storedDoc(mouId);
	expect(clause(stored, LOCKED).toString()).toBe(n.lockedXml);
	expect(clauseIds(stored)).toEqual(n.clauseOrder);
	expect(body(stored).toString()).toBe(body(honest.doc).toString());
	expect([...stored.share.keys()].sort()).toEqual(['body', 'terms']);
}

/** The attacker's connection alone is closed with 4422; nothing was stored or broadcast. */
async function expectRefused(n: Negotiation, attacker: YjsClient, broadcastsBefore: number, reason: RegExp) {
	const closed = await within(attacker.closed, 'the attacker is disconnected');
	expect(closed.code).toBe(CloseCode.updateRefused);
	expect(closed.reason).toMatch(reason);
	expect(live.collab.stats().updatesRefused).toBeGreaterThan(n.refusedBeforeAttack);
	expect(await rowCount(n.mouId)).toBe(n.rowsBeforeAttack);
	expect(await rowCount(n.mouId, districtCounsel.user.id)).toBe(0);
	expect(n.honest.isOpen()).toBe(true);
	expect(n.honest.broadcasts).toBe(broadcastsBefore);
}

// ---------------------------------------------------------------------------------------------

interface Attack {
	name: string;
	/** What the close reason says. */
	reason: RegExp;
	/** A real edit on the attacker's synced doc; its update is what gets sent. */
	change(doc: Y.Doc): void;
}

function lookAlikeOf(original: Y.XmlElement): Y.XmlElement {
	const fake = new Y.XmlElement('clause');
	for (const [key, value] of Object.entries(original.getAttributes())) fake.setAttribute(key, value as string);
	const paragraph = new Y.XmlElement('paragraph');
	paragraph.insert(0, [new Y.XmlText('An SRO may be any person the Agency chooses.')]);
	fake.insert(0, [paragraph]);
	return fake;
}

const LOCKED_EDIT = /locked clause/;
const LOCKED_DELETE = /deletes locked clause content/;

const attacks: Attack[] = [
	{ name: 'typing inside a locked clause', reason: LOCKED_EDIT, change: (d) => firstText(d, LOCKED).insert(12, ' (or any deputy)') },
	{ name: 'typing at the very start of its text', reason: LOCKED_EDIT, change: (d) => firstText(d, LOCKED).insert(0, 'Not ') },
	{ name: 'formatting its text', reason: LOCKED_EDIT, change: (d) => firstText(d, LOCKED).format(0, 10, { bold: {} }) },
	{ name: 'unlocking it (locked = false)', reason: LOCKED_EDIT, change: (d) => clause(d, LOCKED).setAttribute('locked', false as never) },
	{ name: 'renaming it (title)', reason: LOCKED_EDIT, change: (d) => clause(d, LOCKED).setAttribute('title', 'Optional definitions') },
	{ name: 'deleting it', reason: LOCKED_DELETE, change: (d) => body(d).delete(clauseIndex(d, LOCKED), 1) },
	{
		name: 'deleting a range of siblings across it',
		reason: LOCKED_DELETE,
		change: (d) => body(d).delete(clauseIndex(d, LOCKED) - 1, 3)
	},
	{ name: 'deleting one character of it', reason: LOCKED_DELETE, change: (d) => firstText(d, LOCKED).delete(3, 1) },
	{
		name: 'deleting the term node inside it',
		reason: LOCKED_DELETE,
		change: (d) => firstParagraph(d, LOCKED).delete(termIndex(firstParagraph(d, LOCKED)), 1)
	},
	{
		name: 'moving it (delete + re-insert at the end)',
		reason: LOCKED_DELETE,
		change: (d) => {
			const copy = clause(d, LOCKED).clone();
			body(d).delete(clauseIndex(d, LOCKED), 1);
			body(d).insert(body(d).length, [copy]);
		}
	},
	{
		name: 'pasting over it (delete + look-alike insert in one transaction)',
		reason: LOCKED_DELETE,
		change: (d) => {
			const index = clauseIndex(d, LOCKED);
			const fake = lookAlikeOf(clause(d, LOCKED));
			body(d).delete(index, 1);
			body(d).insert(index, [fake]);
		}
	},
	{ name: 'writing to a root the app does not use', reason: /unknown root evil/, change: (d) => d.getMap('evil').set('payload', 'x') }
];

describe('locked clauses hold on the server against a raw Yjs client', () => {
	it('the template gives the attacks a real target: a locked clause with a term inside', async () => {
		const n = await negotiation();
		const doc = n.honest.doc;
		expect(clause(doc, LOCKED).getAttribute('locked')).toBe(true);
		expect(termIndex(firstParagraph(doc, LOCKED))).toBeGreaterThan(0);
		expect(firstText(doc, LOCKED).length).toBeGreaterThan(10);
		expect(clause(doc, PEER_AFTER.clause).getAttribute('locked')).toBe(false);
		expect(clauseIndex(doc, PEER_AFTER.clause)).toBe(clauseIndex(doc, LOCKED) + 1);
		expect(clause(doc, HONEST_BEFORE.clause).getAttribute('locked')).toBe(false);
		expect(clause(doc, HONEST_AFTER.clause).getAttribute('locked')).toBe(false);
	});

	it.each(attacks)('refuses $name', async ({ change, reason }) => {
		const n = await negotiation();
		const attacker = await connected(districtCounsel, n.mouId);
		const broadcastsBefore = n.honest.broadcasts;

		attacker.edit(change);
		await expectRefused(n, attacker, broadcastsBefore, reason);

		// Reconnecting with the refused local state would send the bad change again in sync step 2:
		// refused again. That is why the client must discard its doc after 4422.
		const stale = connect(districtCounsel, n.mouId, attacker.doc);
		const again = await within(stale.closed, 'the stale client is disconnected');
		expect(again.code).toBe(CloseCode.updateRefused);
		expect(await rowCount(n.mouId)).toBe(n.rowsBeforeAttack);

		await expectNegotiationIntact(n);
	});

	it('refuses a crafted update whose parent the server has never seen', async () => {
		const n = await negotiation();
		const attacker = await connected(districtCounsel, n.mouId);
		const broadcastsBefore = n.honest.broadcasts;

		// A paragraph made by a ghost client and never sent; the attacker's update writes into it.
		const ghost = new Y.Doc();
		Y.applyUpdate(ghost, Y.encodeStateAsUpdate(attacker.doc));
		ghost.getXmlFragment('body').insert(0, [new Y.XmlElement('paragraph')]);
		const writer = new Y.Doc();
		Y.applyUpdate(writer, Y.encodeStateAsUpdate(ghost));
		let crafted: Uint8Array | null = null;
		writer.on('update', (update: Uint8Array) => (crafted = update));
		(writer.getXmlFragment('body').get(0) as Y.XmlElement).insert(0, [new Y.XmlText('Orphaned text.')]);
		expect(crafted).not.toBeNull();
		const { structs } = Y.decodeUpdate(crafted!);
		expect(structs.every((s) => s.id.client === writer.clientID)).toBe(true);
		expect(((structs[0] as Y.Item).parent as Y.ID).client).toBe(ghost.clientID);

		attacker.sendUpdate(crafted!);
		await expectRefused(n, attacker, broadcastsBefore, /unknown parent/);
		await expectNegotiationIntact(n);
	});
});

describe('terms: only counsel of the parties write them', () => {
	it.each([
		['a signatory', () => agencySignatory],
		['a viewer', () => districtViewer]
	])('drops terms written by %s and keeps their connection open', async (_who, person) => {
		const n = await negotiation();
		const readOnly = await connected(person(), n.mouId);
		const broadcastsBefore = n.honest.broadcasts;

		readOnly.edit((doc) => doc.getMap('terms').set('agency_name', 'Anyone At All PD'));
		await within(readOnly.roundTrip(), 'the server answers after the dropped update');

		expect(readOnly.isOpen()).toBe(true);
		expect(readOnly.closeEvent).toBeNull();
		expect(live.collab.stats().updatesRefused).toBeGreaterThan(n.refusedBeforeAttack);
		expect(await rowCount(n.mouId, person().user.id)).toBe(0);
		expect(n.honest.broadcasts).toBe(broadcastsBefore);
		expect(n.honest.doc.getMap('terms').get('agency_name')).toBe(n.terms.agency_name);

		await expectNegotiationIntact(n);
		expect(await rowCount(n.mouId, person().user.id)).toBe(0);
		expect(readOnly.isOpen()).toBe(true);
		const stored = await storedDoc(n.mouId);
		expect(stored.getMap('terms').toJSON()).toEqual(n.terms);
	});

	it('lets district counsel change terms, including one shown inside a locked clause', async () => {
		const n = await negotiation();
		const district = await connected(districtCounsel, n.mouId);
		const termKey = (firstParagraph(district.doc, LOCKED).get(termIndex(firstParagraph(district.doc, LOCKED))) as Y.XmlElement).getAttribute('key');
		expect(termKey).toBe('state_name');

		district.edit((doc) => {
			doc.getMap('terms').set('state_name', 'Illinois');
			doc.getMap('terms').set('agency_name', 'Springfield Police Department');
		});
		await within(district.allStored(), 'terms stored');
		await within(
			waitFor(() => n.honest.doc.getMap('terms').get('state_name') === 'Illinois', 'terms broadcast'),
			'honest client receives the terms'
		);

		expect(district.isOpen()).toBe(true);
		expect(await rowCount(n.mouId, districtCounsel.user.id)).toBe(1);
		const stored = await storedDoc(n.mouId);
		expect(stored.getMap('terms').get('state_name')).toBe('Illinois');
		expect(stored.getMap('terms').get('agency_name')).toBe('Springfield Police Department');
		expect(clause(stored, LOCKED).toString()).toBe(n.lockedXml);
		const third = await connected(districtViewer, n.mouId);
		expect(third.doc.getMap('terms').get('state_name')).toBe('Illinois');
	});
});
