import type { IncomingMessage } from 'node:http';
import type { Sql } from '$lib/server/db';
import { SESSION_COOKIE, isSameOriginUpgrade, validateSessionToken } from '$lib/server/auth';
import { CloseCode } from '$lib/collab/protocol';
import type { CollabAuthorization } from '$lib/server/collab';
import { getMouAccess } from './mous';

function readCookie(header: string | undefined, name: string): string | null {
	if (!header) return null;
	for (const part of header.split(';')) {
		const [key, ...rest] = part.trim().split('=');
		if (key === name) return decodeURIComponent(rest.join('='));
	}
	return null;
}

/** Who may open the live document: a signed-in member of a party, from our own site's pages. Writing needs counsel on an editable MOU. */
export async function authorizeCollab(sql: Sql, req: IncomingMessage, mouId: string): Promise<CollabAuthorization> {
	if (!isSameOriginUpgrade(req)) return { refuse: CloseCode.forbidden, reason: 'Connections from another site are refused.' };
	const token = readCookie(req.headers.cookie, SESSION_COOKIE);
	const found = token ? await validateSessionToken(sql, token) : null;
	if (!found) return { refuse: CloseCode.unauthenticated, reason: 'Sign in to open this MOU.' };
	const access = await getMouAccess(sql, found.user, mouId);
	if (!access) return { refuse: CloseCode.notFound, reason: 'No such MOU.' };
	return {
		userId: found.user.id,
		name: found.user.name,
		organizationId: found.user.organizationId,
		side: access.side,
		canWrite: access.canEdit
	};
}
