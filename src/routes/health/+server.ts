import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getRuntime } from '$lib/server/runtime';

/** For load balancers: 200 while the database (and Redis, when configured) answer, else 503. */
export const GET: RequestHandler = async () => {
	const health = await (await getRuntime()).health();
	return json(
		{ status: health.ok ? 'ok' : 'unavailable', database: health.database, redis: health.redis },
		{ status: health.ok ? 200 : 503, headers: { 'cache-control': 'no-store' } }
	);
};
