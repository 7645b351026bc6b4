import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import type { Sql } from '../../src/lib/server/db';
import { appendInitialState, loadDocumentState } from '../../src/lib/server/collab';
import { addColleague, createMouBetween, createOrganization, type Person } from '../helpers/fixtures';
import { pngDataUrlOf } from '../helpers/png';
import type { PrepareDraft } from '../../src/lib/signing/types';

/** Test world of the signing suites: two organizations with counsel and signatories, an agreed MOU. */

export async function setTitle(sql: Sql, person: Person, title: string) {
	await sql`update memberships set title = ${title} where user_id = ${person.user.id}`;
	person.user.title = title;
}

/** The name on a person's account: the name a signer signs and is printed under. */
export async function setName(sql: Sql, person: Person, name: string) {
	await sql`update users set name = ${name} where id = ${person.user.id}`;
	person.user.name = name;
}

/** An MOU between two new organizations, with its text agreed as the tests' brief describes. */
export async function agreedMou(sql: Sql, terms: Record<string, string> = {}) {
	const agencyCounsel = await createOrganization(sql, 'agency');
	const districtCounsel = await createOrganization(sql, 'district');
	const chief = await addColleague(sql, agencyCounsel, 'signatory');
	await setTitle(sql, chief, 'Chief of Police');
	await setName(sql, chief, 'Marcus Reyes');
	const superintendent = await addColleague(sql, districtCounsel, 'signatory');
	await setTitle(sql, superintendent, 'Superintendent');
	await setName(sql, superintendent, 'Thomas Okafor');
	const agencyViewer = await addColleague(sql, agencyCounsel, 'viewer');
	const mouId = await createMouBetween(sql, agencyCounsel, districtCounsel);
	if (Object.keys(terms).length) {
		const doc = new Y.Doc({ gc: false });
		Y.applyUpdate(doc, await loadDocumentState(sql, mouId));
		const before = Y.encodeStateVector(doc);
		const map = doc.getMap<string>('terms');
		for (const [key, value] of Object.entries(terms)) map.set(key, value);
		await appendInitialState(sql, mouId, Y.encodeStateAsUpdate(doc, before));
	}
	const versionId = await agree(sql, mouId);
	return { agencyCounsel, districtCounsel, chief, superintendent, agencyViewer, mouId, versionId };
}

/**
 * A signing request as counsel prepares it: the agency head (Chief of Police) and the
 * superintendent, chosen by their accounts' addresses, sign in parallel, open for `days` days,
 * reminders every 3 days, no copies, no message; `patch` changes any of it.
 */
export function signingDraft(agencyEmail: string, districtEmail: string, patch: Partial<PrepareDraft> = {}, days = 30): PrepareDraft {
	return {
		signers: [
			{ title: 'Chief of Police', email: agencyEmail, party: 'agency', capacity: 'agency_head', accessCode: '' },
			{ title: 'Superintendent', email: districtEmail, party: 'district', capacity: 'superintendent', accessCode: '' }
		],
		clerk: null,
		recipients: [],
		routing: 'parallel',
		expiresOn: new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10),
		reminderDays: '3',
		message: '',
		...patch
	};
}

/** signingDraft for agreedMou's world: Marcus Reyes, its chief, and Thomas Okafor, its superintendent. */
export function worldDraft(w: Awaited<ReturnType<typeof agreedMou>>, patch: Partial<PrepareDraft> = {}): PrepareDraft {
	return signingDraft(w.chief.email, w.superintendent.email, patch);
}

export async function agree(sql: Sql, mouId: string) {
	const state = await loadDocumentState(sql, mouId);
	const sha256 = createHash('sha256').update(state).digest('hex');
	const [seq] = await sql<{ seq: string }[]>`select coalesce(max(seq), 0)::text as seq from mou_updates where mou_id = ${mouId}`;
	const [row] = await sql<{ id: string }[]>`
		insert into mou_versions (mou_id, number, kind, label, through_seq, state, sha256)
		values (${mouId}, 1, 'agreed', 'Agreed version — 14 Feb 2027', ${seq.seq}, ${state}, ${sha256}) returning id`;
	await sql`update mous set status = 'agreed' where id = ${mouId}`;
	return row.id;
}

/** A small RGBA PNG with a diagonal stroke, as a canvas would give it. */
export function inkPng(width = 240, height = 80, ink = true): string {
	const stride = width * 4 + 1;
	const raw = Buffer.alloc(stride * height);
	if (ink) {
		for (let x = 10; x < width - 10; x++) {
			const y = Math.round(height / 2 + Math.sin(x / 12) * (height / 4));
			for (let dy = -1; dy <= 1; dy++) {
				const at = (y + dy) * stride + 1 + x * 4;
				raw[at] = 20;
				raw[at + 1] = 30;
				raw[at + 2] = 60;
				raw[at + 3] = 255;
			}
		}
	}
	return pngDataUrlOf(width, height, 6, raw);
}

/** The newest message to an address, from the outbox the mailer records everything in. */
export async function lastMail(sql: Sql, to: string, subjectLike = '%') {
	const [row] = await sql<{ subject: string; text: string }[]>`
		select subject, text_body as text from outbox where to_address = ${to} and subject like ${subjectLike}
		order by created_at desc, id desc limit 1`;
	return row ?? null;
}

export async function mailsTo(sql: Sql, to: string) {
	return sql<{ subject: string; text: string }[]>`
		select subject, text_body as text from outbox where to_address = ${to} order by created_at`;
}

export function signToken(text: string): string {
	const match = /\/sign\/([a-z0-9]+)/.exec(text);
	if (!match) throw new Error(`No signing link in:\n${text}`);
	return match[1];
}

export function codeIn(text: string): string {
	const match = /code to open .* is (\d{6})/.exec(text);
	if (!match) throw new Error(`No code in:\n${text}`);
	return match[1];
}
