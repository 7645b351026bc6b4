import * as Y from 'yjs';
import type { Sql } from '../../src/lib/server/db';
import { appendInitialState, type CollabIdentity } from '../../src/lib/server/collab';
import { CloseCode } from '../../src/lib/collab/protocol';
import { clauseElement } from './mou-doc';

/**
 * People for collaboration-server tests, authorized by a `?token=<first name>` query instead of a
 * session cookie (the real cookie path, authorizeCollab, has its own tests).
 */
export function tokenWorld(sql: () => Sql, emailTag: string) {
	const identities = new Map<string, CollabIdentity>();
	return {
		identities,
		async authorize(req: { url?: string }) {
			const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
			const identity = token ? identities.get(token) : undefined;
			return identity ?? { refuse: CloseCode.unauthenticated, reason: 'Sign in to open this MOU.' };
		},
		async insertUser(organizationId: string, name: string, side: 'agency' | 'district', canWrite = true) {
			const email = `${name.toLowerCase().replace(/\W+/g, '.')}@${side}.${emailTag}.example`;
			const [user] = await sql()<{ id: string }[]>`
				insert into users (email, name, password_hash) values (${email}, ${name}, 'x') returning id`;
			const identity: CollabIdentity = { userId: user.id, name, organizationId, side, canWrite };
			identities.set(name.split(' ')[0].toLowerCase(), identity);
			return identity;
		},
		/** A police agency and a school district, named after `place`. */
		async organizations(place: string) {
			const [agency] = await sql()<{ id: string }[]>`
				insert into organizations (name, kind) values (${`${place} Police`}, 'agency') returning id`;
			const [district] = await sql()<{ id: string }[]>`
				insert into organizations (name, kind) values (${`${place} Schools`}, 'district') returning id`;
			return { agencyId: agency.id, districtId: district.id };
		},
		/** A draft MOU whose stored document starts as `state`; with `parties`, between those two organizations. */
		async newMou(mou: { title: string; createdBy: string; state: Uint8Array; parties?: { agencyId: string; districtId: string } }) {
			const [row] = await sql()<{ id: string }[]>`
				insert into mous (title, status, template_id, template_version, created_by)
				values (${mou.title}, 'draft', 'nasro', '1', ${mou.createdBy}) returning id`;
			if (mou.parties)
				await sql()`insert into mou_parties (mou_id, organization_id, side)
					values (${row.id}, ${mou.parties.agencyId}, 'agency'), (${row.id}, ${mou.parties.districtId}, 'district')`;
			await appendInitialState(sql(), row.id, mou.state);
			return row.id;
		}
	};
}

/** A small draft: a locked NASRO clause and a custom clause anyone may edit, and optional terms. */
export function twoClauseDraft(terms: Record<string, string> = {}): Uint8Array {
	const doc = new Y.Doc({ gc: false });
	const clause = (clauseId: string, locked: boolean, text: string) =>
		clauseElement({ clauseId, title: locked ? 'Purpose' : 'Local terms', level: locked ? 'required' : 'custom', locked }, text);
	doc.getXmlFragment('body').insert(0, [clause('purpose', true, 'The parties establish an SRO program.'), clause('local', false, 'Local terms.')]);
	for (const [key, value] of Object.entries(terms)) doc.getMap('terms').set(key, value);
	return Y.encodeStateAsUpdate(doc);
}

/** The text of the first paragraph of the clause at `index` in the body (twoClauseDraft: 0 the locked clause, 1 the local one). */
export function clauseText(doc: Y.Doc, index: number): Y.XmlText {
	const clause = doc.getXmlFragment('body').get(index) as Y.XmlElement;
	return (clause.get(0) as Y.XmlElement).get(0) as Y.XmlText;
}
