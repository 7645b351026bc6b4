import { randomBytes } from 'node:crypto';
import type { Sql } from '$lib/server/db';
import type { SessionUser } from '$lib/server/auth';
import { getMouAccess } from '$lib/server/mous';
import { can } from '$lib/mou/lifecycle';
import { failure, ok, type Outcome } from '$lib/errors';
import * as store from './store';

/**
 * Publishing a signed MOU: the district (counsel or an administrator) puts its line on a public
 * page, /p/<slug>, which always shows the current signed text; unpublishing takes it down again.
 * Both are recorded in the MOU's history.
 */

export interface PublicationStatus {
	slug: string | null;
	published: boolean;
	publishedAt: Date | null;
	unpublishedAt: Date | null;
}

function slugFor(title: string): string {
	const base = title
		.normalize('NFKD')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/, '');
	return `${base || 'mou'}-${randomBytes(3).toString('hex')}`;
}

/** Whether the line of `mouId` is on its public page now. */
export async function publicationStatus(sql: Sql, mouId: string): Promise<PublicationStatus> {
	const publication = await store.findPublication(sql, await store.lineRoot(sql, mouId));
	return {
		slug: publication?.slug ?? null,
		published: !!publication && !publication.unpublishedAt,
		publishedAt: publication?.publishedAt ?? null,
		unpublishedAt: publication?.unpublishedAt ?? null
	};
}

async function districtAccess(sql: Sql, user: SessionUser, mouId: string) {
	const access = await getMouAccess(sql, user, mouId);
	if (!access) return null;
	if (access.side !== 'district' || !can(user, 'publish')) {
		return { access, refusal: failure('forbidden', 'Only counsel or an administrator of the district can publish or unpublish the MOU.') };
	}
	if (access.mou.status !== 'signed') return { access, refusal: failure('not_now', 'Only a signed MOU can be published.') };
	return { access, refusal: null };
}

export async function publishMou(sql: Sql, user: SessionUser, mouId: string, now = new Date()): Promise<Outcome<{ slug: string }> | null> {
	const checked = await districtAccess(sql, user, mouId);
	if (!checked) return null;
	if (checked.refusal) return checked.refusal;
	const rootId = await store.lineRoot(sql, mouId);
	const slug = await sql.begin(async (tx) => {
		const existing = await store.findPublication(tx, rootId);
		const slug = existing?.slug ?? slugFor(checked.access.mou.title);
		await store.upsertPublication(tx, { rootId, slug, userId: user.id, at: now });
		await store.insertEvent(tx, { mouId, at: now, userId: user.id, party: 'district', kind: 'published', summary: `Published the signed MOU at /p/${slug}` });
		return slug;
	});
	return ok({ slug });
}

export async function unpublishMou(sql: Sql, user: SessionUser, mouId: string, now = new Date()): Promise<Outcome<void> | null> {
	const checked = await districtAccess(sql, user, mouId);
	if (!checked) return null;
	if (checked.refusal) return checked.refusal;
	const rootId = await store.lineRoot(sql, mouId);
	return sql.begin(async (tx) => {
		if (!(await store.markUnpublished(tx, rootId, user.id, now))) return failure('not_now', 'The MOU is not published.');
		await store.insertEvent(tx, { mouId, at: now, userId: user.id, party: 'district', kind: 'unpublished', summary: 'Took the MOU off its public page' });
		return ok();
	});
}
