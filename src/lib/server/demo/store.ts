import type { Sql } from '$lib/server/db';
import { appendInitialState } from '$lib/server/collab';
import * as Y from 'yjs';
import { initialDocumentUpdate, loadTemplate } from '$lib/server/templates';
import { TERMS_FIELD } from '$lib/document';
import { applyProfile } from '$lib/profiles';
import { currentProfile } from '$lib/server/profiles';
import type { StateCode } from '$lib/profiles/types';
import type { Role } from '$lib/server/orgs';
import type { Party } from '$lib/mou/party';

/** All SQL of the demo loader. */

export async function findUserIdByEmail(sql: Sql, email: string) {
	const rows = await sql<{ id: string }[]>`select id from users where email = ${email}`;
	return rows[0]?.id ?? null;
}

/** The demo's addresses are ours (example.org-style, nobody else's): they count as confirmed, also in a demo kept from before. */
export async function confirmDemoAddresses(sql: Sql, emails: string[]) {
	await sql`update users set email_verified_at = coalesce(email_verified_at, now()) where email = any(${emails})`;
}

export async function insertDemoOrganization(sql: Sql, name: string, kind: Party) {
	const [row] = await sql<{ id: string }[]>`insert into organizations (name, kind) values (${name}, ${kind}) returning id`;
	return row.id;
}

export async function insertDemoPerson(
	sql: Sql,
	organizationId: string,
	p: { email: string; name: string; role: Role; title: string; isAdmin: boolean; passwordHash: string }
) {
	await sql.begin(async (tx) => {
		const [user] = await tx<{ id: string }[]>`
			insert into users (email, name, password_hash, email_verified_at) values (${p.email}, ${p.name}, ${p.passwordHash}, now()) returning id`;
		await tx`
			insert into memberships (user_id, organization_id, role, title, is_admin)
			values (${user.id}, ${organizationId}, ${p.role}, ${p.title}, ${p.isAdmin})`;
	});
}

export async function createDemoMou(
	sql: Sql,
	m: { title: string; createdBy: string; agencyId: string; districtId: string | null; state: StateCode; terms: Record<string, string> }
) {
	const base = loadTemplate();
	const profile = currentProfile(m.state, base)!;
	const template = applyProfile(base, profile);
	const id = await sql.begin(async (tx) => {
		const [mou] = await tx<{ id: string }[]>`
			insert into mous (title, status, template_id, template_version, state_code, state_profile_version, created_by)
			values (${m.title}, ${m.districtId ? 'negotiating' : 'draft'}, ${template.id}, ${template.version}, ${profile.code}, ${profile.version}, ${m.createdBy}) returning id`;
		await tx`insert into mou_parties (mou_id, organization_id, side) values (${mou.id}, ${m.agencyId}, 'agency')`;
		if (m.districtId) await tx`insert into mou_parties (mou_id, organization_id, side) values (${mou.id}, ${m.districtId}, 'district')`;
		return mou.id;
	});
	await appendInitialState(sql, id, withTerms(initialDocumentUpdate(template), m.terms));
	return id;
}

/** The template's starting state with the demo's fill-in terms entered. */
function withTerms(initial: Uint8Array, terms: Record<string, string>): Uint8Array {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, initial);
	const map = doc.getMap<string>(TERMS_FIELD);
	doc.transact(() => {
		for (const [key, value] of Object.entries(terms)) map.set(key, value);
	});
	return Y.encodeStateAsUpdate(doc);
}
