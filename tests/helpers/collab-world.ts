import * as Y from 'yjs';
import type { Sql } from '../../src/lib/server/db';
import type { CollabIdentity } from '../../src/lib/server/collab';
import { CloseCode } from '../../src/lib/collab/protocol';

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
		}
	};
}

/** A small draft: a locked NASRO clause and a custom clause anyone may edit, and optional terms. */
export function twoClauseDraft(terms: Record<string, string> = {}): Uint8Array {
	const doc = new Y.Doc({ gc: false });
	const clause = (clauseId: string, locked: boolean, text: string) => {
		const element = new Y.XmlElement('clause');
		element.setAttribute('clauseId', clauseId);
		element.setAttribute('title', locked ? 'Purpose' : 'Local terms');
		element.setAttribute('level', locked ? 'required' : 'custom');
		element.setAttribute('locked', locked as unknown as string);
		const paragraph = new Y.XmlElement('paragraph');
		paragraph.insert(0, [new Y.XmlText(text)]);
		element.insert(0, [paragraph]);
		return element;
	};
	doc.getXmlFragment('body').insert(0, [clause('purpose', true, 'The parties establish an SRO program.'), clause('local', false, 'Local terms.')]);
	for (const [key, value] of Object.entries(terms)) doc.getMap('terms').set(key, value);
	return Y.encodeStateAsUpdate(doc);
}
