import { getRuntime } from '$lib/server/runtime';
import { recordView } from '$lib/server/signing';
import type { RequestHandler } from './$types';

/** Posted by the signing page once it is open in a browser; a link fetched and not shown records nothing. */
export const POST: RequestHandler = async ({ params, request, getClientAddress, locals, url }) => {
	const runtime = await getRuntime();
	const result = await recordView({ sql: runtime.db.sql, mailer: runtime.mailer, origin: url.origin, collab: runtime.collab }, params.token, {
		ipAddress: getClientAddress(),
		userAgent: request.headers.get('user-agent') ?? '',
		user: locals.user
	});
	return new Response(null, { status: result.ok ? 204 : 409 });
};
