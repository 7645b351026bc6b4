import { getRuntime } from '$lib/server/runtime';
import { failRequest } from '$lib/server/respond';
import { requireUser } from '$lib/server/auth';
import { docxResponse, exportRedline } from '$lib/server/export';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, params, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const result = await exportRedline(db.sql, user, params.id);
	if (!result.ok) failRequest(result.error);
	return docxResponse(result.value);
};
