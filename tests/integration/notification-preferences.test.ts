import { describe, expect, it } from 'vitest';
import { addColleague, createMouBetween, createOrganization } from '../helpers/fixtures';
import { approveDraft } from '../../src/lib/server/negotiation';
import { sendForSignature, voidRequest, type SigningDeps } from '../../src/lib/server/signing';
import { loadTemplate } from '../../src/lib/server/templates';
import { setNotificationChoices, type Mailer } from '../../src/lib/server/mail';
import type { Database } from '../../src/lib/server/db';
import { agreedMou, lastMail, worldDraft } from './signing-world';
import { mailWorld } from '../helpers/mail-world';
import { fillRequiredTerms, storeEdit } from '../helpers/stored-edits';

// Each notification path asks the person's choice (wantsMail); mail needed to act still goes.

let db: Database;
let mailer: Mailer;
const deps = (): SigningDeps => ({ sql: db.sql, mailer, origin: 'http://app.test', collab: { notify: () => {} } });
const browser = { ipAddress: '203.0.113.7', userAgent: 'Vitest Browser/1.0' };

mailWorld((world) => ({ db, mailer } = world));

const fillTerms = (mouId: string) => storeEdit(db.sql, mouId, (doc) => fillRequiredTerms(doc, loadTemplate().terms));

describe('notification choices on every notification path', () => {
	it('decisions: the agreement is mailed only to those who want decision mail', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		const district = await createOrganization(db.sql, 'district');
		const chief = await addColleague(db.sql, agency, 'signatory');
		const mouId = await createMouBetween(db.sql, agency, district);
		await fillTerms(mouId);
		await setNotificationChoices(db.sql, district.user.id, ['rounds', 'mentions', 'signing']);
		expect(await approveDraft(deps(), agency.user, mouId)).toMatchObject({ ok: true });
		expect(await approveDraft(deps(), district.user, mouId)).toMatchObject({ ok: true, value: { agreed: true } });
		for (const person of [agency, chief]) expect(await lastMail(db.sql, person.email, '%agreed and ready for signature')).not.toBeNull();
		expect(await lastMail(db.sql, district.email, '%agreed and ready for signature')).toBeNull();
	});

	it('signing: counsel who turned it off hear nothing of a voided request; its signers are told anyway', async () => {
		const w = await agreedMou(db.sql);
		await setNotificationChoices(db.sql, w.agencyCounsel.user.id, []);
		await setNotificationChoices(db.sql, w.chief.user.id, []);
		const sent = await sendForSignature(deps(), w.agencyCounsel.user, w.mouId, worldDraft(w), browser);
		expect(sent).toMatchObject({ ok: true });
		// The signing invitation goes whatever the signer chose.
		expect(await lastMail(db.sql, w.chief.email, 'Please sign%')).not.toBeNull();
		expect(await voidRequest(deps(), w.districtCounsel.user, w.mouId, { reason: 'The board moved its vote.' }, browser)).toMatchObject({ ok: true });
		expect(await lastMail(db.sql, w.districtCounsel.email, 'Signing request withdrawn%')).not.toBeNull();
		expect(await lastMail(db.sql, w.agencyCounsel.email, 'Signing request withdrawn%')).toBeNull();
		expect(await lastMail(db.sql, w.chief.email, 'Signing request withdrawn%')).not.toBeNull();
	});
});
