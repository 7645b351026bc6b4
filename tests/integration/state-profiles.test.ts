import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { databaseForFile } from '../helpers/file-database';
import { counselOfEachParty, createMouBetween, type Person } from '../helpers/fixtures';
import { approveDraft } from '../../src/lib/server/negotiation';
import { createMou, getMouAccess } from '../../src/lib/server/mous';
import { createMailer, type Mailer } from '../../src/lib/server/mail';
import { mouTemplate } from '../../src/lib/server/profiles';
import { loadDocumentState } from '../../src/lib/server/collab';
import type { Database } from '../../src/lib/server/db';
import { fillRequiredTerms, storeEdit } from '../helpers/stored-edits';

let db: Database;
let mailer: Mailer;
let agency: Person;
let district: Person;
const deps = () => ({ sql: db.sql, mailer, origin: 'http://app.test' });

databaseForFile(async (opened) => {
	db = opened;
	mailer = createMailer({ sql: db.sql });
	({ agency, district } = await counselOfEachParty(db.sql));
});
afterAll(async () => {
	mailer?.close();
});

/** A negotiated MOU under `state` with every required term filled (the state's defaults kept). */
async function readyMou(state: 'none' | 'il' | 'wa' | 'va') {
	const mouId = await createMouBetween(db.sql, agency, district, `SRO MOU (${state})`, 'negotiating', state);
	const access = (await getMouAccess(db.sql, agency.user, mouId))!;
	await storeEdit(db.sql, mouId, (doc) => fillRequiredTerms(doc, mouTemplate(access.mou).terms));
	return mouId;
}

function clauseTexts(doc: Y.Doc): Map<string, string> {
	const found = new Map<string, string>();
	for (const node of doc.getXmlFragment('body').toArray()) {
		if (node instanceof Y.XmlElement && node.nodeName === 'clause') found.set(String(node.getAttribute('clauseId')), node.toString());
	}
	return found;
}

/** Counsel types a sentence into an unlocked clause (stored like a direct edit). */
async function appendToClause(mouId: string, clauseId: string, sentence: string) {
	await storeEdit(db.sql, mouId, (doc) => {
		for (const node of doc.getXmlFragment('body').toArray()) {
			if (node instanceof Y.XmlElement && node.getAttribute('clauseId') === clauseId) {
				const paragraph = node.get(0) as Y.XmlElement;
				const text = paragraph.toArray().find((c) => c instanceof Y.XmlText) as Y.XmlText;
				text.insert(text.length, ` ${sentence}`);
			}
		}
	});
}

describe('an MOU under each state profile', () => {
	it('refuses an unknown state at creation', async () => {
		const created = await createMou(db.sql, agency.user, { title: 'Somewhere', state: 'tx' });
		expect(created.ok).toBe(false);
	});

	it('Illinois: the draft starts with the citation ban in the locked arrest clause and the Illinois clauses', async () => {
		const mouId = await readyMou('il');
		const doc = new Y.Doc();
		Y.applyUpdate(doc, await loadDocumentState(db.sql, mouId));
		const clauses = clauseTexts(doc);
		expect(clauses.get('arrests.discretion')).toMatch(/will not issue any ticket, citation/);
		expect(clauses.get('arrests.discretion')).not.toMatch(/arrest, cite/);
		expect(clauses.get('arrests.discretion')).toMatch(/locked="true"/);
		expect([...clauses.keys()]).toEqual(expect.arrayContaining(['il.training.certificate', 'il.questioning']));
		expect(doc.getMap('terms').get('state_name')).toBe('Illinois');
		// As started and filled in, it is compliant: counsel can approve it.
		const approved = await approveDraft(deps(), agency.user, mouId);
		expect(approved?.ok).toBe(true);
	});

	it('Illinois: approval is refused while the draft lets the SRO cite students, naming the statute', async () => {
		const mouId = await readyMou('il');
		await appendToClause(mouId, 'purpose.goals', 'The SRO may also cite students for vaping on campus.');
		const refused = await approveDraft(deps(), agency.user, mouId);
		expect(refused?.ok).toBe(false);
		if (refused && !refused.ok) {
			expect(refused.error.problems?.join('\n')).toMatch(
				/Illinois bars SROs from issuing tickets or citations on school property \(105 ILCS 5\/10-20\.68\(a-5\)\(3\)\): “.*may also cite students/
			);
		}
	});

	it('Washington: approval is refused with a review interval over 12 months', async () => {
		const mouId = await readyMou('wa');
		await storeEdit(db.sql, mouId, (doc) => doc.getMap<string>('terms').set('review_interval_months', '18'));
		const refused = await approveDraft(deps(), agency.user, mouId);
		expect(refused?.ok).toBe(false);
		if (refused && !refused.ok) expect(refused.error.problems?.join('\n')).toMatch(/Review interval must be at most 12 months/);
		await storeEdit(db.sql, mouId, (doc) => doc.getMap<string>('terms').set('review_interval_months', '12'));
		expect((await approveDraft(deps(), agency.user, mouId))?.ok).toBe(true);
	});

	it('Virginia: an annual review (2027.1 keeps NASRO 04.01.02, stricter than the law’s two years), with the publication clause', async () => {
		const mouId = await readyMou('va');
		const doc = new Y.Doc();
		Y.applyUpdate(doc, await loadDocumentState(db.sql, mouId));
		expect(doc.getMap('terms').get('review_interval_months')).toBe('12');
		expect(clauseTexts(doc).has('va.review_publication')).toBe(true);
		expect((await approveDraft(deps(), agency.user, mouId))?.ok).toBe(true);
	});

	it('none: the NASRO template as before, the arrest clause as written', async () => {
		const mouId = await readyMou('none');
		const doc = new Y.Doc();
		Y.applyUpdate(doc, await loadDocumentState(db.sql, mouId));
		expect(clauseTexts(doc).get('arrests.discretion')).toMatch(/arrest, cite/);
		expect((await approveDraft(deps(), agency.user, mouId))?.ok).toBe(true);
	});
});
