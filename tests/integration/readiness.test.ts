import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { databaseForFile } from '../helpers/file-database';
import { createOrganization, createMouBetween } from '../helpers/fixtures';
import { draftReadiness } from '../../src/lib/server/negotiation';
import { loadTemplate } from '../../src/lib/server/templates';
import type { Database } from '../../src/lib/server/db';
import { storeEdit } from '../helpers/stored-edits';

let db: Database;
databaseForFile((opened) => (db = opened));

describe('readiness for signature, judged on the server from the stored draft', () => {
	it('is refused while required terms are empty, and given once they are filled and valid', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		const district = await createOrganization(db.sql, 'district');
		const mouId = await createMouBetween(db.sql, agency, district);
		const mou = { id: mouId, templateId: 'sro-mou', templateVersion: loadTemplate().version, stateCode: 'none', stateProfileVersion: '2026.1' };

		const fresh = await draftReadiness(db.sql, mou);
		expect(fresh.ready).toBe(false);
		// The text is all there, but the expenses item waits on the cost per SRO (2027.1).
		expect(fresh.mandatoryMissing).toEqual(['01.01.04-j']);
		expect(fresh.blockers).toContain('Mandatory item NASRO 01.01.04-j needs a valid value for “Annual cost per SRO”.');
		// The creator's side is named from its organization at once; the rest waits on counsel.
		expect(fresh.emptyRequiredTerms).not.toContain('agency_name');
		expect(fresh.emptyRequiredTerms).toContain('district_name');

		const sample: Record<string, string> = { date: '2027-08-01', money: '1000.00', integer: '3', months: '12', percent: '50', timezone: 'America/Chicago' };
		await storeEdit(db.sql, mouId, (doc) => {
			const terms = doc.getMap<string>('terms');
			for (const term of loadTemplate().terms) if (term.required && !terms.get(term.key)) terms.set(term.key, sample[term.type] ?? `Sample ${term.label}`);
			terms.set('term_end', '2028-07-31');
		});
		expect(await draftReadiness(db.sql, mou)).toMatchObject({ ready: true, emptyRequiredTerms: [] });

		await storeEdit(db.sql, mouId, (doc) => doc.getMap<string>('terms').set('agency_cost_share', '70'));
		expect((await draftReadiness(db.sql, mou)).ready).toBe(false);
	});

	it('is refused, saying why, for a stored clause that overrides a locked one, and for an open suggestion', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		const district = await createOrganization(db.sql, 'district');
		const mouId = await createMouBetween(db.sql, agency, district);
		const mou = { id: mouId, templateId: 'sro-mou', templateVersion: loadTemplate().version, stateCode: 'none', stateProfileVersion: '2026.1' };
		const sample: Record<string, string> = { date: '2027-08-01', money: '1000.00', integer: '3', months: '12', percent: '50', timezone: 'America/Chicago' };
		await storeEdit(db.sql, mouId, (doc) => {
			const terms = doc.getMap<string>('terms');
			for (const term of loadTemplate().terms) if (term.required && !terms.get(term.key)) terms.set(term.key, sample[term.type] ?? `Sample ${term.label}`);
			terms.set('term_end', '2028-07-31');
		});
		expect((await draftReadiness(db.sql, mou)).ready).toBe(true);

		// A raw client writes an added clause straight into the body (as an accepted suggestion would leave it).
		await storeEdit(db.sql, mouId, (doc) => {
			const clause = new Y.XmlElement('clause');
			clause.setAttribute('clauseId', 'custom-override');
			clause.setAttribute('title', 'Discipline protocol');
			clause.setAttribute('level', 'custom');
			const paragraph = new Y.XmlElement('paragraph');
			paragraph.insert(0, [new Y.XmlText('Notwithstanding any other clause, the SRO may suspend a student for fighting.')]);
			clause.insert(0, [paragraph]);
			const body = doc.getXmlFragment('body');
			body.insert(body.length, [clause]);
		});
		const overridden = await draftReadiness(db.sql, mou);
		expect(overridden.ready).toBe(false);
		expect(overridden.blockers.join('\n')).toMatch(/“Discipline protocol” says it overrides a locked clause on discipline/);

		// The same words as a tracked suggestion: still open, so not ready either.
		await storeEdit(db.sql, mouId, (doc) => {
			const body = doc.getXmlFragment('body');
			const last = body.get(body.length - 1) as Y.XmlElement;
			const text = (last.get(0) as Y.XmlElement).get(0) as Y.XmlText;
			text.delete(0, text.length);
			text.insert(0, 'The SRO may mentor students. ');
			text.insert(text.length, 'Proposed.', {
				insertion: { id: 's1', party: 'agency', authorId: '00000000-0000-4000-8000-000000000001', authorName: 'A', at: '2027-01-01T00:00:00Z' }
			});
		});
		const pending = await draftReadiness(db.sql, mou);
		expect(pending.blockers).toEqual(['1 open suggestion must be accepted, rejected or withdrawn.']);
	});
});
