import type { SessionUser } from '$lib/server/auth';
import type { Sql } from '$lib/server/db';
import { loadDocumentState } from '$lib/server/collab';
import { getMouAccess, type MouAccess } from '$lib/server/mous';
import { isEditable } from '$lib/mou/lifecycle';
import { failure, ok, type Outcome } from '$lib/errors';
import { mouTemplate } from '$lib/server/profiles';
import { readStoredMou } from '$lib/document';
import { printConditions } from '$lib/templates/print';
import { renderCleanDocx, renderRedlineDocx } from './render';
import { issueSignedDocx, SignedDocumentUnavailable, type IssueDeps, type IssuedDocument } from './signed';
import * as store from './store';
import type { ExportContext, ExportThread, RenderedDocx } from './types';

/**
 * Exports as a person asks for them: only members of a party to the MOU get anything (everyone
 * else, 404 — the MOU does not exist for them), and comments are the shared ones only.
 */

export const CURRENT = 'current';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOT_FOUND = failure('not_found', 'No such MOU.');

export interface ExportChoices {
	access: MouAccess;
	/** Versions a clean copy can be made of, oldest first. */
	versions: { id: string; label: string; kind: 'round' | 'agreed'; createdAt: string }[];
	/** Open suggestions exist only while the text can still change. */
	redline: boolean;
	signed: boolean;
}

export async function exportChoices(sql: Sql, user: SessionUser, mouId: string): Promise<ExportChoices | null> {
	const access = await getMouAccess(sql, user, mouId);
	if (!access) return null;
	const versions = await store.listVersions(sql, mouId);
	return {
		access,
		versions: versions.map((v) => ({ id: v.id, label: v.label, kind: v.kind, createdAt: v.createdAt.toISOString() })),
		redline: isEditable(access.mou.status),
		signed: access.mou.status === 'signed'
	};
}

async function context(sql: Sql, access: MouAccess, now: Date): Promise<ExportContext> {
	return {
		mouId: access.mou.id,
		mouTitle: access.mou.title,
		termDefinitions: mouTemplate(access.mou).terms,
		printWhen: printConditions(mouTemplate(access.mou)),
		partyNames: await store.partyNames(sql, access.mou.id),
		generatedAt: now
	};
}

/** The current draft with every open suggestion as a Word tracked change and shared comments as Word comments. */
export async function exportRedline(sql: Sql, user: SessionUser, mouId: string, now = new Date()): Promise<Outcome<RenderedDocx>> {
	const access = await getMouAccess(sql, user, mouId);
	if (!access) return NOT_FOUND;
	const [state, ctx, comments] = await Promise.all([loadDocumentState(sql, mouId), context(sql, access, now), store.sharedComments(sql, mouId)]);
	return ok(await renderRedlineDocx({ ...ctx, document: readStoredMou(state), threads: threadsOf(comments) }));
}

/** A clean copy of a version (a mou_versions id) or of the current text (`current`). */
export async function exportClean(sql: Sql, user: SessionUser, mouId: string, version: string, now = new Date()): Promise<Outcome<RenderedDocx>> {
	const access = await getMouAccess(sql, user, mouId);
	if (!access) return NOT_FOUND;
	const ctx = await context(sql, access, now);
	if (version === CURRENT) {
		const isDraft = isEditable(access.mou.status);
		const state = await loadDocumentState(sql, mouId);
		return ok(await renderCleanDocx({ ...ctx, document: readStoredMou(state), versionLabel: isDraft ? 'Current draft' : 'Current text', isDraft }));
	}
	const row = UUID.test(version) ? await store.versionWithState(sql, mouId, version) : null;
	if (!row) return failure('not_found', 'This MOU has no such version.');
	return ok(await renderCleanDocx({ ...ctx, document: readStoredMou(row.state), versionLabel: row.label, isDraft: row.kind !== 'agreed' }));
}

export interface DownloadDeps extends IssueDeps {
	sql: Sql;
	/** Records the download in the signing audit trail (the signing feature's appender). */
	recordDownload?: (sql: Sql, entry: { mouId: string; user: SessionUser; sha256: string; ipAddress: string | null; userAgent: string | null }) => Promise<void>;
}

/** The signed MOU, issued on first request and the same bytes ever after; 409 until the MOU is signed. */
export async function downloadSignedDocx(
	deps: DownloadDeps,
	user: SessionUser,
	mouId: string,
	request: { ipAddress: string | null; userAgent: string | null } = { ipAddress: null, userAgent: null }
): Promise<Outcome<IssuedDocument>> {
	const access = await getMouAccess(deps.sql, user, mouId);
	if (!access) return NOT_FOUND;
	if (access.mou.status !== 'signed') return failure('not_available', 'This MOU is not signed yet; its signed document does not exist.');
	let file: IssuedDocument;
	try {
		file = await issueSignedDocx(deps, mouId);
	} catch (error) {
		if (error instanceof SignedDocumentUnavailable) return failure('not_available', 'The signed document cannot be issued: ' + error.message);
		throw error;
	}
	await deps.recordDownload?.(deps.sql, { mouId, user, sha256: file.sha256, ...request });
	return ok(file);
}

function threadsOf(rows: store.SharedCommentRow[]): ExportThread[] {
	const threads = new Map<string, ExportThread>();
	for (const row of rows) {
		const comment = { authorName: row.authorName, party: row.party, body: row.body, createdAt: row.createdAt };
		if (row.threadId === null)
			threads.set(row.id, { id: row.id, quote: row.quote, resolved: row.resolvedAt !== null, suggestionId: row.suggestionId, comments: [comment] });
		else threads.get(row.threadId)?.comments.push(comment);
	}
	return [...threads.values()];
}
