import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { appendInitialState, loadDocumentState } from '../../src/lib/server/collab';
import type { Mailer } from '../../src/lib/server/mail';
import { getMouAccess } from '../../src/lib/server/mous';
import { startReview } from '../../src/lib/server/reviews';
import { initialDocumentUpdate, loadTemplate } from '../../src/lib/server/templates';
import { assessStoredDraft, currentProfile } from '../../src/lib/server/profiles';
import { applyProfile } from '../../src/lib/profiles';
import { createMouBetween } from '../helpers/fixtures';
import type { Database } from '../../src/lib/server/db';
import { type ReminderWorld, withReminderWorld } from './reminders-world';

// Issue 13: an MOU never changes template under its parties' feet, but its review draft starts
// from the newest template, carrying what the parties agreed where it still fits.

let db: Database;
let mailer: Mailer;
let world: ReminderWorld;
const deps = () => ({ sql: db.sql, mailer, origin: 'http://mou.test' });

withReminderWorld((made) => ({ db, mailer, world } = made));

const OWN_CLAUSE = 'Parking at Lincoln High';

/** A clause the parties added in the editor (no template id), after the clause `after`. */
function addOwnClause(doc: Y.Doc, after: string) {
	const body = doc.getXmlFragment('body');
	const index = body.toArray().findIndex((node) => node instanceof Y.XmlElement && node.getAttribute('clauseId') === after);
	const clause = new Y.XmlElement('clause');
	for (const [key, value] of Object.entries({ clauseId: null, title: OWN_CLAUSE, level: 'custom', nasro: '', locked: false }))
		clause.setAttribute(key, value as string);
	const paragraph = new Y.XmlElement('paragraph');
	paragraph.insert(0, [new Y.XmlText('The SRO’s vehicle is parked in the marked space by the main office.')]);
	clause.insert(0, [paragraph]);
	body.insert(index + 1, [clause]);
}

/** A signed MOU on template 2026.1, with values and a clause of the parties' own. */
async function signed2026(state: 'none' | 'il', terms: Record<string, string>) {
	const mouId = await createMouBetween(db.sql, world.agency, world.district, `Old MOU (${state})`, 'negotiating', state);
	const base = loadTemplate('sro-mou', '2026.1');
	const profile = currentProfile(state, base)!;
	await db.sql`update mous set template_version = '2026.1', state_profile_version = ${profile.version} where id = ${mouId}`;
	await db.sql`delete from mou_updates where mou_id = ${mouId}`;
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, initialDocumentUpdate(applyProfile(base, profile), terms));
	addOwnClause(doc, 'purpose.goals');
	await appendInitialState(db.sql, mouId, Y.encodeStateAsUpdate(doc));
	const stored = await loadDocumentState(db.sql, mouId);
	const [{ seq }] = await db.sql<{ seq: string }[]>`select coalesce(max(seq), 0)::text as seq from mou_updates where mou_id = ${mouId}`;
	await db.sql`
		insert into mou_versions (mou_id, number, kind, label, party, created_by, through_seq, state, sha256)
		values (${mouId}, 1, 'agreed', 'Agreed text', null, ${world.agency.user.id}, ${seq}::bigint, ${stored},
			${createHash('sha256').update(stored).digest('hex')})`;
	await db.sql`
		update mous set status = 'signed', effective_date = '2026-08-01', review_interval_months = 12, review_due_on = '2027-08-01',
			signed_at = '2026-08-01T12:00:00Z' where id = ${mouId}`;
	return { mouId, stored };
}

function clauseIds(doc: Y.Doc): (string | null)[] {
	return doc
		.getXmlFragment('body')
		.toArray()
		.filter((node): node is Y.XmlElement => node instanceof Y.XmlElement && node.nodeName === 'clause')
		.map((node) => (node.getAttribute('clauseId') as string | null) ?? `own:${node.getAttribute('title')}`);
}

async function docOf(mouId: string) {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, await loadDocumentState(db.sql, mouId));
	return doc;
}

describe('the review draft of a 2026.1 MOU', () => {
	test('starts from 2027.1 with the values that still fit and the parties’ own clause; the signed MOU stays on 2026.1', async () => {
		const { mouId, stored } = await signed2026('none', {
			schools_covered: 'Lincoln High School; Jefferson Middle School',
			sro_count: '2',
			review_interval_months: '24', // allowed by 2026.1 (up to 60), refused by 2027.1 (NASRO: annual)
			annual_cost: '98000.00' // no such term in 2027.1
		});
		const started = await startReview(deps(), world.district.user, mouId, new Date('2027-06-10T15:00:00Z'));
		expect(started?.ok).toBe(true);
		if (!started?.ok) return;
		expect(started.value.upgrade).toMatchObject({
			from: '2026.1',
			to: '2027.1',
			cleared: [{ key: 'review_interval_months', label: 'Review interval', value: '24' }],
			carriedClauses: [OWN_CLAUSE]
		});
		const draftId = started.value.mouId;
		const [draft] = await db.sql`select template_version, state_code, state_profile_version, status from mous where id = ${draftId}`;
		expect(draft).toEqual({ template_version: '2027.1', state_code: 'none', state_profile_version: '2027.1', status: 'negotiating' });

		const doc = await docOf(draftId);
		const terms = doc.getMap<string>('terms');
		expect(terms.get('schools_covered')).toBe('Lincoln High School; Jefferson Middle School');
		expect(terms.get('sro_count')).toBe('2');
		expect(terms.get('review_interval_months')).toBe('');
		expect(terms.has('annual_cost')).toBe(false);
		expect(terms.get('district_name')).toBeTruthy();
		const ids = clauseIds(doc);
		expect(ids).toContain('interpretation.precedence'); // 2027.1's own clauses are there
		expect(ids).not.toContain('definitions.general'); // 2026.1's loose definitions are not
		expect(ids.indexOf(`own:${OWN_CLAUSE}`)).toBe(ids.indexOf('purpose.goals') + 1);
		expect(doc.getXmlFragment('body').toString()).toContain('parked in the marked space by the main office');

		// Compliance of the draft names the emptied value, so counsel see what to fill in.
		const access = (await getMouAccess(db.sql, world.district.user, draftId))!;
		const report = assessStoredDraft(await loadDocumentState(db.sql, draftId), access.mou);
		expect(report.emptyRequiredTerms).toContain('review_interval_months');

		// The history of the draft lists what could not come along.
		const [event] = await db.sql`select summary from mou_events where mou_id = ${draftId} and kind = 'review_started'`;
		expect(event.summary).toMatch(/on template 2027\.1 \(the signed MOU stays on 2026\.1\)/);
		expect(event.summary).toMatch(/Review interval \(“24”\)/);
		expect(event.summary).toMatch(/Parking at Lincoln High/);

		// The signed MOU is exactly as it was signed.
		const [signed] = await db.sql`select status, template_version from mous where id = ${mouId}`;
		expect(signed).toEqual({ status: 'signed', template_version: '2026.1' });
		expect(Buffer.from(await loadDocumentState(db.sql, mouId)).equals(Buffer.from(stored))).toBe(true);
	});

	test('an Illinois 2026.1 MOU’s review draft is under Illinois’s 2027.1 profile, with the citation ban', async () => {
		const { mouId } = await signed2026('il', { schools_covered: 'Peoria High School' });
		const started = await startReview(deps(), world.agency.user, mouId, new Date('2027-06-10T15:00:00Z'));
		expect(started?.ok).toBe(true);
		if (!started?.ok) return;
		const [draft] = await db.sql`select template_version, state_code, state_profile_version from mous where id = ${started.value.mouId}`;
		expect(draft).toEqual({ template_version: '2027.1', state_code: 'il', state_profile_version: '2027.1' });
		const doc = await docOf(started.value.mouId);
		expect(doc.getXmlFragment('body').toString()).toContain('will not issue any ticket, citation or notice to appear');
		expect(doc.getMap('terms').get('state_name')).toBe('Illinois');
		expect(clauseIds(doc)).toEqual(expect.arrayContaining(['il.training.certificate', 'il.questioning', `own:${OWN_CLAUSE}`]));
	});
});
