import type { Handle, ServerInit } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { demoCredentials, seedDemo } from '$lib/server/demo';
import { SESSION_COOKIE, validateSessionToken } from '$lib/server/auth';
import { deleteSessionCookie, setSessionCookie } from '$lib/server/auth';

export const init: ServerInit = async () => {
	const runtime = await getRuntime();
	// The production entry (server/start.js) finds the websocket handler here.
	Object.assign(globalThis, { mouStudioCollab: runtime.collab, mouStudioRuntime: runtime });
	if (process.env.MOU_DEMO === '1') {
		const { created } = await seedDemo(runtime.db.sql);
		console.log(`${created ? 'Loaded' : 'Kept'} the Springfield demo.\n${demoCredentials()}`);
	}
};

export const handle: Handle = async ({ event, resolve }) => {
	const { db } = await getRuntime();
	event.locals.user = null;
	event.locals.sessionId = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const found = await validateSessionToken(db.sql, token);
		if (found) {
			event.locals.user = found.user;
			event.locals.sessionId = found.session.id;
			setSessionCookie(event.cookies, token, found.session.expiresAt);
		} else {
			deleteSessionCookie(event.cookies);
		}
	}
	const response = await resolve(event);
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Content-Type-Options', 'nosniff');
	return response;
};
