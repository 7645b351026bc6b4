import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { addColleague, createMouBetween, createOrganization, type Person } from '../helpers/fixtures';
import { mailText } from '../helpers/smtp';
import { approveDraft, loadNegotiation, sendRound, withdrawApproval } from '../../src/lib/server/negotiation';
import type { NoticeTopic } from '../../src/lib/collab/protocol';
import { getMouAccess } from '../../src/lib/server/mous';
import type { Mailer } from '../../src/lib/server/mail';
import { loadTemplate } from '../../src/lib/server/templates';
import { loadDocumentState } from '../../src/lib/server/collab';
import type { Database } from '../../src/lib/server/db';
import { MEMBER_INVITATION_SUBJECT } from '../../src/lib/server/orgs/invitations';
import { mailWorld, type SmtpServer } from '../helpers/mail-world';
import { fillRequiredTerms, storeEdit } from '../helpers/stored-edits';
import { deepFirstText } from '../helpers/mou-doc';

let db: Database;
let smtp: SmtpServer;
let mailer: Mailer;
const notices: { mouId: string; topic: NoticeTopic }[] = [];
const deps = () => ({
	sql: db.sql,
	mailer,
	origin: 'http://app.test',
	collab: { notify: (mouId: string, topic: NoticeTopic) => void notices.push({ mouId, topic }) }
});

mailWorld((world) => ({ db, smtp, mailer } = world));

const fillTerms = (doc: Y.Doc) => fillRequiredTerms(doc, loadTemplate().terms);

/** A pending insertion suggested by the agency, as the editor writes it. */
function suggestInsertion(person: Person) {
	return (doc: Y.Doc) => {
		const attrs = { id: 'sugg1', party: 'agency', authorId: person.user.id, authorName: person.user.name, at: '2027-02-14T10:00:00.000Z' };
		deepFirstText(doc.getXmlFragment('body'))!.insert(0, 'Proposed words. ', { insertion: attrs });
	};
}

async function maxSeq(mouId: string) {
	const [row] = await db.sql`select coalesce(max(seq), 0)::text as seq from mou_updates where mou_id = ${mouId}`;
	return row.seq as string;
}

async function negotiatingMou() {
	const agency = await createOrganization(db.sql, 'agency');
	const district = await createOrganization(db.sql, 'district');
	const mouId = await createMouBetween(db.sql, agency, district);
	return { agency, district, mouId };
}

async function outboxTo(address: string) {
	return db.sql<{ subject: string; text_body: string }[]>`
		select subject, text_body from outbox where to_address = ${address} and subject <> ${MEMBER_INVITATION_SUBJECT} and proof_for is null order by created_at`;
}

describe('rounds', () => {
	it('records a named version, an event, and emails every counsel of the other party', async () => {
		const { agency, district, mouId } = await negotiatingMou();
		const districtCounsel2 = await addColleague(db.sql, district, 'counsel');
		const districtSignatory = await addColleague(db.sql, district, 'signatory');
		const agencyCounsel2 = await addColleague(db.sql, agency, 'counsel');
		notices.length = 0;

		const sent = await sendRound(deps(), agency.user, mouId, new Date('2027-02-14T18:00:00Z'));
		expect(sent).toMatchObject({ ok: true, value: { round: 1, emailed: 2 } });
		const label = sent?.ok ? sent.value.label : '';
		expect(label).toBe(`Round 1 — sent by ${agency.user.organizationName}, February 14, 2027`);

		const [version] = await db.sql`select * from mou_versions where mou_id = ${mouId}`;
		expect(version).toMatchObject({ number: 1, kind: 'round', label, party: 'agency', created_by: agency.user.id });
		expect(String(version.through_seq)).toBe(await maxSeq(mouId));
		const state = await loadDocumentState(db.sql, mouId);
		expect(Buffer.from(version.state).equals(Buffer.from(state))).toBe(true);
		expect(version.sha256).toBe(createHash('sha256').update(state).digest('hex'));

		const events = await db.sql`select kind, party, user_id, summary, detail from mou_events where mou_id = ${mouId}`;
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({ kind: 'round_sent', party: 'agency', user_id: agency.user.id, detail: { versionId: version.id, round: 1 } });
		expect(notices).toEqual([{ mouId, topic: 'history' }]);

		for (const person of [district, districtCounsel2]) {
			const mail = mailText((await smtp.waitFor(person.email)).raw);
			expect(mail).toContain(`has sent you the draft for review: Round 1`);
			expect(mail).toContain(agency.user.organizationName);
			expect(mail).toContain(`http://app.test/mous/${mouId}`);
		}
		await new Promise((r) => setTimeout(r, 100));
		for (const person of [districtSignatory, agencyCounsel2, agency]) expect(smtp.received.some((m) => m.to.includes(person.email))).toBe(false);

		// Nothing changed: sending the same text again is refused; the other side may send it back.
		const again = await sendRound(deps(), agency.user, mouId);
		expect(again).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Nothing has changed/) } });
		const back = await sendRound(deps(), district.user, mouId, new Date('2027-02-20T12:00:00Z'));
		expect(back).toMatchObject({ ok: true, value: { round: 2, label: `Round 2 — sent by ${district.user.organizationName}, February 20, 2027` } });

		const view = await loadNegotiation(db.sql, agency.user, (await getMouAccess(db.sql, agency.user, mouId))!);
		expect(view.versions.map((v) => [v.number, v.kind, v.party])).toEqual([
			[2, 'round', 'district'],
			[1, 'round', 'agency']
		]);
		expect(view.versions[0].previousId).toBe(version.id);
		expect(view.events.map((e) => e.kind)).toEqual(['round_sent', 'round_sent']);
		expect(view.events[1]).toMatchObject({ userName: agency.user.name, organizationName: agency.user.organizationName, versionId: version.id });
	});

	it('is for counsel of a party, while the MOU is negotiated', async () => {
		const { agency, district, mouId } = await negotiatingMou();
		const signatory = await addColleague(db.sql, district, 'signatory');
		const viewer = await addColleague(db.sql, agency, 'viewer');
		const stranger = await createOrganization(db.sql, 'agency');
		expect(await sendRound(deps(), stranger.user, mouId)).toBeNull();
		expect(await sendRound(deps(), signatory.user, mouId)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Only counsel/) } });
		expect(await sendRound(deps(), viewer.user, mouId)).toMatchObject({ ok: false });

		const draftOnly = await createOrganization(db.sql, 'agency');
		const { createMou } = await import('../../src/lib/server/mous');
		const created = await createMou(db.sql, draftOnly.user, { title: 'Not yet joined' });
		const draftId = created.ok ? created.value.id : '';
		expect(await sendRound(deps(), draftOnly.user, draftId)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not joined/) } });
		const [{ count }] = await db.sql`select count(*)::int as count from mou_versions where mou_id in (${mouId}, ${draftId})`;
		expect(count).toBe(0);
	});
});

describe('approval and agreement', () => {
	it('is refused, with what is missing, while terms are empty or suggestions open', async () => {
		const { agency, mouId } = await negotiatingMou();
		const empty = await approveDraft(deps(), agency.user, mouId);
		expect(empty?.ok).toBe(false);
		const emptyMessage = empty && !empty.ok ? empty.error.message : '';
		expect(emptyMessage).toMatch(/^This version cannot be approved yet: /);
		expect(emptyMessage).toMatch(/required terms? still empty: .*Agency/);

		await storeEdit(db.sql, mouId, fillTerms);
		await storeEdit(db.sql, mouId, suggestInsertion(agency));
		const open = await approveDraft(deps(), agency.user, mouId);
		expect(open).toMatchObject({
			ok: false,
			error: { problems: ['1 open suggestion (1 by the agency) must be accepted, rejected or withdrawn.'] }
		});

		await storeEdit(db.sql, mouId, (doc) => doc.getMap<string>('terms').set('agency_cost_share', '70'));
		const invalid = await approveDraft(deps(), agency.user, mouId);
		const problems = invalid && !invalid.ok ? (invalid.error.problems ?? []) : [];
		expect(problems[0]).toMatch(/^1 open suggestion/);
		expect(problems.slice(1).join(' ')).toMatch(/100/);
		expect(await db.sql`select * from mou_approvals where mou_id = ${mouId}`).toHaveLength(0);
	});

	it('freezes the text once both parties approve the same version, and emails counsel and signatories', async () => {
		const { agency, district, mouId } = await negotiatingMou();
		const chief = await addColleague(db.sql, agency, 'signatory');
		const superintendent = await addColleague(db.sql, district, 'signatory');
		const viewer = await addColleague(db.sql, district, 'viewer');
		await storeEdit(db.sql, mouId, fillTerms);
		notices.length = 0;

		expect(await approveDraft(deps(), chief.user, mouId)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Only counsel/) } });
		expect(await approveDraft(deps(), agency.user, mouId)).toEqual({ ok: true, value: { agreed: false, agreedVersionId: null, agreedLabel: null } });
		expect(await approveDraft(deps(), agency.user, mouId)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/already approved/) } });
		const [approval] = await db.sql`select party, user_id, through_seq::text as seq from mou_approvals where mou_id = ${mouId}`;
		expect(approval).toEqual({ party: 'agency', user_id: agency.user.id, seq: await maxSeq(mouId) });

		const halfway = await loadNegotiation(db.sql, district.user, (await getMouAccess(db.sql, district.user, mouId))!);
		expect(halfway.approvals.find((a) => a.side === 'agency')).toMatchObject({ approvedBy: agency.user.name });
		expect(halfway.approvals.find((a) => a.side === 'district')).toMatchObject({ approvedBy: null });
		expect(halfway).toMatchObject({ canApprove: true, canWithdrawApproval: false });

		const agreed = await approveDraft(deps(), district.user, mouId, new Date('2027-03-01T17:00:00Z'));
		expect(agreed).toMatchObject({ ok: true, value: { agreed: true, agreedLabel: 'Agreed version — March 1, 2027' } });
		const [mou] = await db.sql`select status from mous where id = ${mouId}`;
		expect(mou.status).toBe('agreed');
		const [version] = await db.sql`select kind, label, through_seq::text as seq, state from mou_versions where mou_id = ${mouId}`;
		expect(version).toMatchObject({ kind: 'agreed', label: 'Agreed version — March 1, 2027', seq: await maxSeq(mouId) });
		expect(Buffer.from(version.state).equals(Buffer.from(await loadDocumentState(db.sql, mouId)))).toBe(true);
		const kinds = (await db.sql`select kind from mou_events where mou_id = ${mouId} order by id`).map((e) => e.kind);
		expect(kinds).toEqual(['approved', 'approved', 'agreed']);
		expect(notices.map((n) => n.topic)).toEqual(['history', 'history', 'status']);

		for (const person of [agency, district, chief, superintendent]) {
			const [mail] = await outboxTo(person.email);
			expect(mail?.subject, person.email).toMatch(/agreed and ready for signature/);
		}
		expect(await outboxTo(viewer.email)).toHaveLength(0);

		// Frozen: nobody approves, withdraws or edits any more.
		expect(await approveDraft(deps(), agency.user, mouId)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/agreed/) } });
		expect(await withdrawApproval(deps(), district.user, mouId)).toMatchObject({ ok: false });
		expect(await sendRound(deps(), district.user, mouId)).toMatchObject({ ok: false });
		await expect(storeEdit(db.sql, mouId, (doc) => doc.getMap<string>('terms').set('agency_name', 'Changed'))).rejects.toThrow(/can no longer change/);
		expect((await getMouAccess(db.sql, agency.user, mouId))?.canEdit).toBe(false);
	});

	it('is withdrawn by any edit stored after it, and can be withdrawn explicitly', async () => {
		const { agency, district, mouId } = await negotiatingMou();
		await storeEdit(db.sql, mouId, fillTerms);
		expect((await approveDraft(deps(), agency.user, mouId))?.ok).toBe(true);

		await storeEdit(db.sql, mouId, (doc) => doc.getMap<string>('terms').set('agency_name', 'Springfield Police Department'));
		expect(await db.sql`select * from mou_approvals where mou_id = ${mouId}`).toHaveLength(0);
		const [withdrawn] = await db.sql`select kind, party, user_id from mou_events where mou_id = ${mouId} order by id desc limit 1`;
		expect(withdrawn).toEqual({ kind: 'approval_withdrawn', party: 'agency', user_id: agency.user.id });

		// The district's approval alone does not agree anything.
		expect(await approveDraft(deps(), district.user, mouId)).toMatchObject({ ok: true, value: { agreed: false } });
		expect(await withdrawApproval(deps(), agency.user, mouId)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not approved/) } });
		expect(await withdrawApproval(deps(), district.user, mouId)).toEqual({ ok: true, value: { withdrawn: true } });
		expect(await db.sql`select * from mou_approvals where mou_id = ${mouId}`).toHaveLength(0);
		expect((await approveDraft(deps(), agency.user, mouId))?.ok).toBe(true);
		expect(await approveDraft(deps(), district.user, mouId)).toMatchObject({ ok: true, value: { agreed: true } });
	});

	it('orders approvals and concurrent edits: an approval never stands for text it did not see', async () => {
		const { agency, district, mouId } = await negotiatingMou();
		await storeEdit(db.sql, mouId, fillTerms);
		expect((await approveDraft(deps(), agency.user, mouId))?.ok).toBe(true);
		const [edit, approval] = await Promise.allSettled([
			storeEdit(db.sql, mouId, (doc) => doc.getMap<string>('terms').set('agency_name', 'Concurrent edit')),
			approveDraft(deps(), district.user, mouId)
		]);
		expect(approval.status).toBe('fulfilled');
		const agreed = approval.status === 'fulfilled' && approval.value?.ok === true && approval.value.value.agreed;
		const [mou] = await db.sql`select status from mous where id = ${mouId}`;
		// Either the approval came first (the text is agreed and the database refused the edit) or
		// the edit did (it withdrew the agency's approval, so the district's alone agrees nothing).
		expect(mou.status).toBe(agreed ? 'agreed' : 'negotiating');
		expect(edit.status).toBe(agreed ? 'rejected' : 'fulfilled');
	});
});
