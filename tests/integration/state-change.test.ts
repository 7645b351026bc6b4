import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addColleague, counselOfEachParty, createMouBetween, type Person } from '../helpers/fixtures';
import { within } from '../helpers/yjs-client';
import { liveEditing } from '../helpers/live-editing';
import { CloseCode } from '../../src/lib/collab/protocol';
import { changeStateProfile, createMou, getMouAccess } from '../../src/lib/server/mous';
import { loadDocumentState } from '../../src/lib/server/collab';
import { assessStoredDraft } from '../../src/lib/server/profiles';

// The district's state may change while the MOU is a draft: the live document follows the new
// profile through the collaboration server (stored, then every open editor reloads), and the new
// locks hold at once. Once negotiation starts, the change is refused.

let agency: Person;
let district: Person;
const live = liveEditing(async (sql) => ({ agency, district } = await counselOfEachParty(sql)));
const { deps, storedDoc } = live;
const connect = (mouId: string, person: Person) => live.connect(person, mouId);

function clauseOf(doc: Y.Doc, clauseId: string): Y.XmlElement | undefined {
	return doc
		.getXmlFragment('body')
		.toArray()
		.find((node): node is Y.XmlElement => node instanceof Y.XmlElement && node.getAttribute('clauseId') === clauseId);
}

function firstText(clause: Y.XmlElement): Y.XmlText {
	return (clause.get(0) as Y.XmlElement).toArray().find((node) => node instanceof Y.XmlText) as Y.XmlText;
}

async function newDraft(state: 'none' | 'il' | 'wa' = 'none') {
	const created = await createMou(live.sql, district.user, { title: 'Springfield SRO MOU', state });
	if (!created.ok) throw new Error(JSON.stringify(created.error));
	return created.value.id;
}

describe('changing the district’s state of a draft', () => {
	it('none → Illinois: the “may cite” core becomes the citation ban, Illinois clauses and items arrive, the parties’ own text stays', async () => {
		const mouId = await newDraft('none');
		const counsel = connect(mouId, district);
		await within(counsel.synced, 'first sync');
		expect(clauseOf(counsel.doc, 'arrests.discretion')!.toString()).toMatch(/arrest, cite or take/);
		// Counsel writes into an unlocked clause before the change.
		counsel.edit((doc) => firstText(clauseOf(doc, 'purpose.mission')!).insert(0, 'Our own words. '));
		await within(counsel.allStored(), 'edit stored');

		const changed = await changeStateProfile(deps(), district.user, mouId, { state: 'il' });
		expect(changed?.ok).toBe(true);
		if (changed?.ok) expect(changed.value.report?.replaced).toContain('arrests.discretion');

		// The open editor is told to reload (its page re-reads the profile), then sees the new text.
		expect((await within(counsel.closed, 'editor closed')).code).toBe(CloseCode.statusChanged);
		const doc = await storedDoc(mouId);
		const arrest = clauseOf(doc, 'arrests.discretion')!;
		expect(arrest.toString()).toMatch(/will not issue any ticket, citation/);
		expect(arrest.toString()).not.toMatch(/arrest, cite or take/);
		expect(arrest.getAttribute('locked')).toBe(true);
		expect(clauseOf(doc, 'il.training.certificate')).toBeDefined();
		expect(clauseOf(doc, 'il.questioning')).toBeDefined();
		expect(clauseOf(doc, 'purpose.mission')!.toString()).toMatch(/Our own words\./);
		expect(doc.getMap('terms').get('state_name')).toBe('Illinois');

		// The compliance report now lists Illinois's items, covered by the draft as it stands.
		const access = (await getMouAccess(live.sql, district.user, mouId))!;
		expect(access.mou.stateCode).toBe('il');
		const report = assessStoredDraft(await loadDocumentState(live.sql, mouId), access.mou);
		expect(report.state?.profile.name).toBe('Illinois');
		expect(report.state?.items.length).toBeGreaterThan(0);
		expect(report.state?.forbidden).toEqual([]);
		const statuses = Object.fromEntries(report.state!.items.map((item) => [item.id, item.status]));
		// The citation ban (IL-3), the certificate (IL-2), questioning (IL-4), the state's name (IL-7).
		expect(statuses).toMatchObject({ 'IL-2': 'covered', 'IL-3': 'covered', 'IL-4': 'covered', 'IL-7': 'covered' });

		// A reconnecting editor gets the new document, and the new locked core is locked at once.
		const again = connect(mouId, district);
		await within(again.synced, 'second sync');
		expect(clauseOf(again.doc, 'arrests.discretion')!.toString()).toMatch(/will not issue any ticket/);
		again.edit((d) => firstText(clauseOf(d, 'arrests.discretion')!).insert(0, 'Except that the SRO may cite. '));
		expect((await within(again.closed, 'refused')).code).toBe(CloseCode.updateRefused);
	});

	it('Illinois → none: the Illinois clauses go, the NASRO core comes back, the law’s state name is emptied', async () => {
		const mouId = await newDraft('il');
		const changed = await changeStateProfile(deps(), district.user, mouId, { state: 'none' });
		expect(changed?.ok).toBe(true);
		const doc = await storedDoc(mouId);
		expect(clauseOf(doc, 'il.questioning')).toBeUndefined();
		expect(clauseOf(doc, 'arrests.discretion')!.toString()).toMatch(/arrest, cite or take/);
		expect(doc.getMap('terms').get('state_name')).toBe('');
		const access = (await getMouAccess(live.sql, district.user, mouId))!;
		expect(assessStoredDraft(await loadDocumentState(live.sql, mouId), access.mou).state).toBeNull();
	});

	it('refuses once negotiation has started, and says why; nothing changes', async () => {
		const mouId = await createMouBetween(live.sql, agency, district, 'Negotiated MOU', 'negotiating', 'none');
		const before = await loadDocumentState(live.sql, mouId);
		const refused = await changeStateProfile(deps(), district.user, mouId, { state: 'il' });
		expect(refused?.ok).toBe(false);
		if (refused && !refused.ok) expect(refused.error.message).toMatch(/negotiation with the other party has started/);
		expect(Buffer.from(await loadDocumentState(live.sql, mouId)).equals(Buffer.from(before))).toBe(true);
		expect((await getMouAccess(live.sql, district.user, mouId))!.mou.stateCode).toBe('none');
	});

	it('is counsel’s, of a party: a signatory is refused, another organization does not see the MOU, an unknown state is refused', async () => {
		const mouId = await newDraft('none');
		const signatory = await addColleague(live.sql, district, 'signatory');
		const bySignatory = await changeStateProfile(deps(), signatory.user, mouId, { state: 'il' });
		expect(bySignatory?.ok === false && bySignatory.error.code).toBe('forbidden');
		expect(await changeStateProfile(deps(), agency.user, mouId, { state: 'il' })).toBeNull();
		const unknown = await changeStateProfile(deps(), district.user, mouId, { state: 'tx' });
		expect(unknown?.ok === false && unknown.error.code).toBe('invalid_input');
		expect((await getMouAccess(live.sql, district.user, mouId))!.mou.stateCode).toBe('none');
	});
});
