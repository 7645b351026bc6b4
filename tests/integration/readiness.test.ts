import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { freshDatabase } from '../helpers/db';
import { createOrganization, createMouBetween } from '../helpers/fixtures';
import { draftReadiness } from '../../src/lib/server/mous';
import { appendInitialState, loadDocumentState } from '../../src/lib/server/collab';
import { loadTemplate } from '../../src/lib/server/templates';
import type { Database } from '../../src/lib/server/db';

let db: Database;
beforeAll(async () => {
	db = await freshDatabase();
});
afterAll(async () => {
	await db?.close();
});

/** Appends an edit to the stored draft the way an accepted websocket update would be stored. */
async function storeEdit(mouId: string, edit: (doc: Y.Doc) => void) {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, await loadDocumentState(db.sql, mouId));
	const before = Y.encodeStateVector(doc);
	edit(doc);
	await appendInitialState(db.sql, mouId, Y.encodeStateAsUpdate(doc, before));
}

describe('readiness for signature, judged on the server from the stored draft', () => {
	it('is refused while required terms are empty, and given once they are filled and valid', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		const district = await createOrganization(db.sql, 'district');
		const mouId = await createMouBetween(db.sql, agency, district);
		const mou = { id: mouId, templateId: 'sro-mou', templateVersion: loadTemplate().version, stateCode: 'none', stateProfileVersion: '2026.1' };

		const fresh = await draftReadiness(db.sql, mou);
		expect(fresh.ready).toBe(false);
		expect(fresh.mandatoryMissing).toEqual([]);
		expect(fresh.emptyRequiredTerms).toContain('agency_name');

		const sample: Record<string, string> = { date: '2027-08-01', money: '1000.00', integer: '3', months: '12', percent: '50', timezone: 'America/Chicago' };
		await storeEdit(mouId, (doc) => {
			const terms = doc.getMap<string>('terms');
			for (const term of loadTemplate().terms) if (term.required && !terms.get(term.key)) terms.set(term.key, sample[term.type] ?? `Sample ${term.label}`);
			terms.set('term_end', '2028-07-31');
		});
		expect(await draftReadiness(db.sql, mou)).toMatchObject({ ready: true, emptyRequiredTerms: [] });

		await storeEdit(mouId, (doc) => doc.getMap<string>('terms').set('agency_cost_share', '70'));
		expect((await draftReadiness(db.sql, mou)).ready).toBe(false);
	});
});
