import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth';
import { reviewStepFile } from '$lib/server/reviews';
import type { RequestHandler } from './$types';

/** A file of the review record, for the parties only; sent as a download, never rendered inline. */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const file = await reviewStepFile(db.sql, user, params.id, params.step);
	if (!file) error(404, 'No such file.');
	return new Response(Buffer.from(file.data), {
		headers: {
			'content-type': 'application/octet-stream',
			'content-disposition': `attachment; filename="${file.name.replace(/"/g, '')}"`,
			'x-content-type-options': 'nosniff',
			'x-file-sha256': file.sha256
		}
	});
};
