import { describe, expect, it } from 'vitest';
import { databaseForFile } from '../helpers/file-database';
import { createOrganization, addColleague } from '../helpers/fixtures';
import { acceptPartyInvitation, createMou, getMouAccess, inviteParty, listMous, viewPartyInvitation } from '../../src/lib/server/mous';
import { createMailer } from '../../src/lib/server/mail';
import type { Database } from '../../src/lib/server/db';
import { loadDocumentState } from '../../src/lib/server/collab';
import { readStoredMou } from '../../src/lib/document';
import { startCollabHttp } from '../helpers/collab-http';

let db: Database;
databaseForFile((opened) => (db = opened));

function inviteToken(text: string) {
	return /\/join\/([a-z0-9]+)/.exec(text)![1];
}

describe('an MOU between an agency and a district', () => {
	it('is created by counsel, joined by the other side through an emailed invitation, and listed for both', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		const district = await createOrganization(db.sql, 'district');
		const created = await createMou(db.sql, agency.user, { title: 'Springfield PD – Springfield USD SRO MOU, 2027–28' });
		expect(created.ok).toBe(true);
		const mouId = created.ok ? created.value.id : '';
		const [{ count }] = await db.sql`select count(*)::int as count from mou_updates where mou_id = ${mouId}`;
		expect(count).toBeGreaterThan(0);

		// Until the district joins, it cannot see the MOU.
		expect(await getMouAccess(db.sql, district.user, mouId)).toBeNull();

		const mailer = createMailer({ sql: db.sql });
		const sent = await inviteParty({ sql: db.sql, mailer, origin: 'http://app.test' }, agency.user, mouId, { email: district.email });
		expect(sent?.ok).toBe(true);
		const [mail] = await db.sql`select text_body from outbox where to_address = ${district.email} and subject like ${'%negotiate an SRO MOU%'}`;
		const token = inviteToken(mail.text_body);

		// Another agency cannot accept an invitation meant for a district.
		const otherAgency = await createOrganization(db.sql, 'agency');
		const view = await viewPartyInvitation(db.sql, otherAgency.user, token);
		expect(view.state === 'valid' && view.canAccept).toBe(false);
		expect((await acceptPartyInvitation(db.sql, otherAgency.user, token)).ok).toBe(false);

		// Nor can a district other than the one invited, even with the link.
		const otherDistrict = await createOrganization(db.sql, 'district');
		expect(await acceptPartyInvitation(db.sql, otherDistrict.user, token)).toEqual({
			ok: false,
			error: { code: 'forbidden', message: expect.stringMatching(/was sent to/) }
		});

		const accepted = await acceptPartyInvitation(db.sql, district.user, token);
		expect(accepted).toEqual({ ok: true, value: { mouId } });
		const [listed] = await listMous(db.sql, district.user);
		expect(listed).toMatchObject({ id: mouId, status: 'negotiating' });
		expect(listed.parties.map((p) => p.side).sort()).toEqual(['agency', 'district']);

		// The invitation is spent.
		expect((await acceptPartyInvitation(db.sql, district.user, token)).ok).toBe(false);
		expect(await getMouAccess(db.sql, otherAgency.user, mouId)).toBeNull();
	});

	it('gives counsel the pen and everyone else a read-only view', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		const chief = await addColleague(db.sql, agency, 'signatory');
		const viewer = await addColleague(db.sql, agency, 'viewer');
		const created = await createMou(db.sql, agency.user, { title: 'Read-only check' });
		const mouId = created.ok ? created.value.id : '';
		expect((await getMouAccess(db.sql, agency.user, mouId))?.canEdit).toBe(true);
		expect((await getMouAccess(db.sql, chief.user, mouId))?.canEdit).toBe(false);
		expect((await getMouAccess(db.sql, viewer.user, mouId))?.canEdit).toBe(false);
		expect((await createMou(db.sql, viewer.user, { title: 'Viewer tries' })).ok).toBe(false);
		await db.sql`update mous set status = 'agreed' where id = ${mouId}`;
		expect((await getMouAccess(db.sql, agency.user, mouId))?.canEdit).toBe(false);
	});

	it('treats malformed and foreign ids as not found', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		expect(await getMouAccess(db.sql, agency.user, 'not-a-uuid')).toBeNull();
		expect(await getMouAccess(db.sql, agency.user, '00000000-0000-4000-8000-000000000000')).toBeNull();
		expect((await createMou(db.sql, agency.user, { title: '  ' })).ok).toBe(false);
	});

	it('fills the agency and district names from the two organizations: the creator at once, the other side when it joins', async () => {
		const agency = await createOrganization(db.sql, 'agency');
		const district = await createOrganization(db.sql, 'district');
		const created = await createMou(db.sql, agency.user, { title: 'Names filled MOU' });
		const mouId = created.ok ? created.value.id : '';
		const terms = async () => readStoredMou(await loadDocumentState(db.sql, mouId)).terms;
		expect(await terms()).toMatchObject({ agency_name: agency.user.organizationName, district_name: '' });

		const mailer = createMailer({ sql: db.sql });
		await inviteParty({ sql: db.sql, mailer, origin: 'http://app.test' }, agency.user, mouId, { email: district.email });
		const [mail] = await db.sql`select text_body from outbox where to_address = ${district.email} and subject like ${'%negotiate an SRO MOU%'}`;
		const server = await startCollabHttp(db.sql);
		try {
			const accepted = await acceptPartyInvitation(db.sql, district.user, inviteToken(mail.text_body), new Date(), server.collab);
			expect(accepted.ok).toBe(true);
		} finally {
			await server.close();
		}
		expect(await terms()).toMatchObject({ agency_name: agency.user.organizationName, district_name: district.user.organizationName });
	});
});
