import type { Sql } from '../../src/lib/server/db';
import { createSession, validateSessionToken, type SessionUser } from '../../src/lib/server/auth';
import { acceptInvitation, inviteMember, signUpWithOrganization, type Role } from '../../src/lib/server/orgs';
import { createMou } from '../../src/lib/server/mous';
import { createMailer } from '../../src/lib/server/mail';
import { hashToken } from '../../src/lib/server/auth';
import { confirmEmail, sendVerification } from '../../src/lib/server/accounts';

export const PASSWORD = 'correct horse battery staple';

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface Person {
	user: SessionUser;
	token: string;
	cookie: string;
	email: string;
}

async function personFromUserId(sql: Sql, userId: string, email: string): Promise<Person> {
	const { token } = await createSession(sql, userId);
	const found = await validateSessionToken(sql, token);
	return { user: found!.user, token, cookie: `mou_session=${token}`, email };
}

/** Founds an organization; its founder is an administrator with the given role (counsel by default), address confirmed unless `verified` is false. */
export async function createOrganization(sql: Sql, kind: 'agency' | 'district', role: Role = 'counsel', verified = true) {
	const email = `founder-${unique()}@${kind}.example`;
	const result = await signUpWithOrganization(sql, {
		name: kind === 'agency' ? 'Avery Agency-Counsel' : 'Dakota District-Counsel',
		email,
		password: PASSWORD,
		organizationName: kind === 'agency' ? `Springfield Police ${unique()}` : `Springfield Schools ${unique()}`,
		organizationKind: kind,
		role
	});
	if (!result.ok) throw new Error(JSON.stringify(result.error));
	if (verified) await confirmAddress(sql, result.value.userId, email);
	return personFromUserId(sql, result.value.userId, email);
}

/** Counsel of an agency and of a district, each the founder of their organization. */
export async function counselOfEachParty(sql: Sql): Promise<{ agency: Person; district: Person }> {
	return { agency: await createOrganization(sql, 'agency'), district: await createOrganization(sql, 'district') };
}

/** An MOU between an agency and a district, each party with its counsel (the founder), a signatory and a viewer. */
export async function mouWithBothParties(sql: Sql) {
	const agency = await createOrganization(sql, 'agency');
	const district = await createOrganization(sql, 'district');
	const mouId = await createMouBetween(sql, agency, district);
	const chief = await addColleague(sql, agency, 'signatory');
	const agencyViewer = await addColleague(sql, agency, 'viewer');
	const superintendent = await addColleague(sql, district, 'signatory');
	const districtViewer = await addColleague(sql, district, 'viewer');
	return { agency, district, chief, agencyViewer, superintendent, districtViewer, mouId };
}

/** The founder follows the confirmation link mailed at sign-up, as a real person would. */
export async function confirmAddress(sql: Sql, userId: string, email: string) {
	const deps = { sql, mailer: createMailer({ sql }), origin: 'http://test.local' };
	const sent = await sendVerification(deps, userId);
	if (!sent.ok) throw new Error(JSON.stringify(sent.error));
	const token = await waitForLink(sql, email, '/account/verify/');
	const confirmed = await confirmEmail(deps, token);
	if (!confirmed.ok) throw new Error(JSON.stringify(confirmed.error));
}

/** The token of the newest account link of that kind mailed to an address (mail goes out without being awaited). */
export async function waitForLink(sql: Sql, email: string, path: string): Promise<string> {
	const pattern = new RegExp(`${path.replace(/\//g, '\\/')}([a-z0-9]+)`);
	for (let i = 0; i < 100; i++) {
		const rows = await sql<{ text: string }[]>`select text_body as text from outbox where to_address = ${email} order by created_at desc, id desc`;
		const match = rows.map((r) => pattern.exec(r.text)).find(Boolean);
		if (match) return match[1];
		await new Promise((r) => setTimeout(r, 20));
	}
	throw new Error(`no ${path} link mailed to ${email}`);
}

/** Adds a colleague to the admin's organization through the real invitation flow. */
export async function addColleague(sql: Sql, admin: Person, role: Role): Promise<Person> {
	const mailer = createMailer({ sql });
	const email = `${role}-${unique()}@colleague.example`;
	const invited = await inviteMember({ sql, mailer, origin: 'http://test.local' }, admin.user, { email, role });
	if (!invited.ok) throw new Error(JSON.stringify(invited.error));
	const [mail] = await sql<{ text: string }[]>`select text_body as text from outbox where to_address = ${email}`;
	const token = /\/invitations\/([a-z0-9]+)/.exec(mail.text)![1];
	const accepted = await acceptInvitation(sql, token, { name: `${role} colleague`, password: PASSWORD });
	if (!accepted.ok) throw new Error(JSON.stringify(accepted.error));
	return personFromUserId(sql, accepted.value.userId, email);
}

/**
 * An MOU between the two organizations of `agency` and `district`, in negotiation (every edit a
 * tracked suggestion) or, for tests of plain joint editing, still a draft (edits direct).
 */
export async function createMouBetween(
	sql: Sql,
	agency: Person,
	district: Person,
	title = 'Springfield SRO MOU 2027–28',
	status: 'negotiating' | 'draft' = 'negotiating',
	state: 'none' | 'il' | 'wa' | 'va' = 'none'
) {
	const created = await createMou(sql, agency.user, { title, state });
	if (!created.ok) throw new Error(JSON.stringify(created.error));
	const mouId = created.value.id;
	await sql`insert into mou_parties (mou_id, organization_id, side) values (${mouId}, ${district.user.organizationId}, 'district')`;
	await sql`update mous set status = ${status} where id = ${mouId}`;
	return mouId;
}

export { hashToken };
