import * as Y from 'yjs';
import type { Sql } from '../../src/lib/server/db';
import { appendInitialState, loadDocumentState } from '../../src/lib/server/collab';
import type { Party, SuggestionAttrs } from '../../src/lib/redlines/types';
import type { Person } from './fixtures';

/** The attributes of a tracked change by this person for this party. */
export function suggestionMark(person: Person, party: Party, id: string, at = new Date().toISOString()): SuggestionAttrs {
	return { id, party, authorId: person.user.id, authorName: person.user.name, at };
}

/** The document as the server would load it now: checkpoint + every stored update. */
export async function storedDoc(sql: Sql, mouId: string): Promise<Y.Doc> {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, await loadDocumentState(sql, mouId));
	return doc;
}

/** Rows in an MOU's update log (with `userId`, only that person's). */
export async function rowCount(sql: Sql, mouId: string, userId?: string): Promise<number> {
	const [{ count }] = userId
		? await sql<{ count: number }[]>`select count(*)::int as count from mou_updates where mou_id = ${mouId} and user_id = ${userId}`
		: await sql<{ count: number }[]>`select count(*)::int as count from mou_updates where mou_id = ${mouId}`;
	return count;
}

/** A counsel's edit stored as the collaboration server stores it: its client id claimed, each update logged. */
export async function storeEditAs(sql: Sql, mouId: string, person: Person, party: Party, clientId: number, change: (doc: Y.Doc) => void) {
	const doc = await storedDoc(sql, mouId);
	doc.clientID = clientId;
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	change(doc);
	await sql`insert into mou_clients (mou_id, client_id, user_id, party) values (${mouId}, ${clientId}, ${person.user.id}, ${party}) on conflict do nothing`;
	for (const update of updates) await sql`insert into mou_updates (mou_id, update, user_id) values (${mouId}, ${update}, ${person.user.id})`;
}

/** Appends an edit to the stored draft the way an accepted websocket update would be stored (bound to no person). */
export async function storeEdit(sql: Sql, mouId: string, edit: (doc: Y.Doc) => void) {
	const doc = await storedDoc(sql, mouId);
	const before = Y.encodeStateVector(doc);
	edit(doc);
	await appendInitialState(sql, mouId, Y.encodeStateAsUpdate(doc, before));
}

const SAMPLE: Record<string, string> = { date: '2027-08-01', money: '1000.00', integer: '3', months: '12', percent: '50', timezone: 'America/Chicago' };

/** Fills each required term of `terms` (the template's) the document has no value for, with a sample of its type, and ends the term on 2028-07-31. */
export function fillRequiredTerms(doc: Y.Doc, terms: readonly { key: string; type: string; label: string; required?: boolean }[]) {
	const values = doc.getMap<string>('terms');
	for (const term of terms) if (term.required && !values.get(term.key)) values.set(term.key, SAMPLE[term.type] ?? `Sample ${term.label}`);
	values.set('term_end', '2028-07-31');
}
