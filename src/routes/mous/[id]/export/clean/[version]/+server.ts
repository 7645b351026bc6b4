import { getRuntime } from '$lib/server/runtime';
import { failRequest } from '$lib/server/respond';
import { requireUser } from '$lib/server/auth';
import { docxResponse, exportClean } from '$lib/server/export';
import type { RequestHandler } from './$types';

/** `version` is a version id, or `current` for the text as it stands. */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const result = await exportClean(db.sql, user, params.id, params.version);
	if (!result.ok) failRequest(result.error);
	return docxResponse(result.value);
};
