import type { JSONValue, Sql, Tx } from '$lib/server/db';
import type { Party } from '$lib/mou/party';
import type { CompletionCertificate } from '$lib/signing/certificate';

/**
 * All SQL of the export feature. Comments are read here, read-only, and only shared ones: an
 * internal thread — or a reply in one — never leaves the database for an exported file.
 */

export interface MouRow {
	id: string;
	title: string;
	status: string;
	templateId: string;
	templateVersion: string;
	stateCode: string;
	stateProfileVersion: string;
}

export async function findMou(sql: Sql | Tx, mouId: string): Promise<MouRow | null> {
	const [row] = await sql<MouRow[]>`
		select id, title, status, template_id as "templateId", template_version as "templateVersion",
			state_code as "stateCode", state_profile_version as "stateProfileVersion"
		from mous where id = ${mouId}`;
	return row ?? null;
}

export async function partyNames(sql: Sql | Tx, mouId: string): Promise<Partial<Record<Party, string>>> {
	const rows = await sql<{ side: Party; name: string }[]>`
		select p.side, o.name from mou_parties p join organizations o on o.id = p.organization_id where p.mou_id = ${mouId}`;
	return Object.fromEntries(rows.map((row) => [row.side, row.name]));
}

export interface SharedCommentRow {
	id: string;
	threadId: string | null;
	authorName: string;
	party: Party;
	body: string;
	quote: string;
	createdAt: Date;
	resolvedAt: Date | null;
	suggestionId: string | null;
}

/** Shared threads and their replies, oldest first; a reply counts only if its thread is shared too. */
export async function sharedComments(sql: Sql | Tx, mouId: string): Promise<SharedCommentRow[]> {
	return sql<SharedCommentRow[]>`
		select c.id, c.thread_id as "threadId", u.name as "authorName", c.party, c.body, c.quote,
			c.created_at as "createdAt", c.resolved_at as "resolvedAt", c.suggestion_id as "suggestionId"
		from mou_comments c
		join users u on u.id = c.author_id
		left join mou_comments t on t.id = c.thread_id
		where c.mou_id = ${mouId} and c.visibility = 'shared' and (c.thread_id is null or t.visibility = 'shared')
		order by c.created_at, c.id`;
}

export interface VersionRow {
	id: string;
	number: number;
	kind: 'round' | 'agreed';
	label: string;
	createdAt: Date;
}

export async function listVersions(sql: Sql | Tx, mouId: string): Promise<VersionRow[]> {
	return sql<VersionRow[]>`
		select id, number, kind, label, created_at as "createdAt" from mou_versions where mou_id = ${mouId} order by number`;
}

export async function versionWithState(sql: Sql | Tx, mouId: string, versionId: string) {
	const [row] = await sql<(VersionRow & { state: Uint8Array; sha256: string })[]>`
		select id, number, kind, label, created_at as "createdAt", state, sha256
		from mou_versions where mou_id = ${mouId} and id = ${versionId}`;
	return row ?? null;
}

export interface SignedDocumentRow {
	mouId: string;
	versionId: string;
	sha256: string;
	bytes: Uint8Array;
	filename: string;
	createdAt: Date;
}

export async function findSignedDocument(sql: Sql | Tx, mouId: string): Promise<SignedDocumentRow | null> {
	const [row] = await sql<SignedDocumentRow[]>`
		select mou_id as "mouId", version_id as "versionId", sha256, bytes, filename, created_at as "createdAt"
		from signed_documents where mou_id = ${mouId}`;
	return row ?? null;
}

export async function hasSignedDocument(sql: Sql | Tx, mouId: string): Promise<boolean> {
	const [row] = await sql`select 1 from signed_documents where mou_id = ${mouId}`;
	return Boolean(row);
}

/** Stores the first document issued for the MOU; a concurrent second one is dropped, never stored over it. */
export async function insertSignedDocument(sql: Sql | Tx, doc: Omit<SignedDocumentRow, 'createdAt'> & { certificate: CompletionCertificate }): Promise<void> {
	await sql`
		insert into signed_documents (mou_id, version_id, sha256, bytes, filename, certificate)
		values (${doc.mouId}, ${doc.versionId}, ${doc.sha256}, ${doc.bytes}, ${doc.filename},
			${sql.json(doc.certificate as unknown as JSONValue)})
		on conflict (mou_id) do nothing`;
}

/** The certificate of the document issued with exactly this hash; nothing about any other document. */
export async function findCertificateBySha(sql: Sql | Tx, sha256: string) {
	const [row] = await sql<{ mouId: string; certificate: CompletionCertificate; issuedAt: Date; filename: string }[]>`
		select mou_id as "mouId", certificate, created_at as "issuedAt", filename from signed_documents where sha256 = ${sha256}`;
	return row ?? null;
}

/** The signed document issued for an MOU, with the MOU's title: for a file that proves (or names, with its title) that MOU. */
export async function findIssued(sql: Sql | Tx, mouId: string) {
	const [row] = await sql<{ mouId: string; title: string; sha256: string }[]>`
		select d.mou_id as "mouId", m.title, d.sha256 from signed_documents d join mous m on m.id = d.mou_id where d.mou_id = ${mouId}`;
	return row ?? null;
}
