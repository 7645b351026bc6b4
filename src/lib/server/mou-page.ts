import { error } from '@sveltejs/kit';
import { requireUser, type SessionUser } from '$lib/server/auth';
import type { Sql } from '$lib/server/db';
import { getRuntime } from '$lib/server/runtime';

/**
 * The load of a page of one MOU: the signed-in person (else off to sign in), and what `read` finds
 * of the MOU for them; a 404 when it finds nothing (not their MOU, or none).
 */
export async function readMouPage<T>(
	{ locals, params, url }: { locals: App.Locals; params: { id: string }; url: URL },
	read: (sql: Sql, user: SessionUser, mouId: string) => Promise<T | null>
): Promise<{ user: SessionUser; sql: Sql; found: T }> {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const found = await read(db.sql, user, params.id);
	if (!found) error(404, 'No such MOU.');
	return { user, sql: db.sql, found };
}
