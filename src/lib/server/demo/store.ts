import type { Sql } from '$lib/server/db';
import { appendInitialState } from '$lib/server/collab';
import { initialDocumentUpdate, loadTemplate } from '$lib/server/templates';
import type { OrganizationKind, Role } from '$lib/server/orgs';

/** All SQL of the demo loader. */

export async function findUserIdByEmail(sql: Sql, email: string) {
	const rows = await sql<{ id: string }[]>`select id from users where email = ${email}`;
	return rows[0]?.id ?? null;
}

export async function insertDemoOrganization(sql: Sql, name: string, kind: OrganizationKind) {
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
			insert into users (email, name, password_hash) values (${p.email}, ${p.name}, ${p.passwordHash}) returning id`;
		await tx`
			insert into memberships (user_id, organization_id, role, title, is_admin)
			values (${user.id}, ${organizationId}, ${p.role}, ${p.title}, ${p.isAdmin})`;
	});
}

export async function createDemoMou(sql: Sql, m: { title: string; createdBy: string; agencyId: string; districtId: string }) {
	const template = loadTemplate();
	const id = await sql.begin(async (tx) => {
		const [mou] = await tx<{ id: string }[]>`
			insert into mous (title, status, template_id, template_version, created_by)
			values (${m.title}, 'negotiating', ${template.id}, ${template.version}, ${m.createdBy}) returning id`;
		await tx`insert into mou_parties (mou_id, organization_id, side) values (${mou.id}, ${m.agencyId}, 'agency'), (${mou.id}, ${m.districtId}, 'district')`;
		return mou.id;
	});
	await appendInitialState(sql, id, initialDocumentUpdate(template));
	return id;
}
