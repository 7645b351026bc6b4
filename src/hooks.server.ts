import type { Handle, ServerInit } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { demoCredentials, seedDemo } from '$lib/server/demo';
import { hashToken, SESSION_COOKIE, validateSessionToken } from '$lib/server/auth';
import { prepareTemplateData } from '$lib/server/profiles';
import { listOpenSuggestions } from '$lib/server/redlines';
import { initialDocumentUpdate, loadTemplate } from '$lib/server/templates';
import { deleteSessionCookie, setSessionCookie } from '$lib/server/auth';

export const init: ServerInit = async () => {
	const runtime = await getRuntime();
	// The production entry (server/start.js) finds the websocket handler here.
	Object.assign(globalThis, { mouStudioCollab: runtime.collab, mouStudioRuntime: runtime });
	if (process.env.MOU_DEMO === '1') {
		const { created } = await seedDemo(runtime.db.sql);
		console.log(`${created ? 'Loaded' : 'Kept'} the Springfield demo.\n${demoCredentials()}`);
	}
	await warmUp();
};

/**
 * Before the server listens, what the first visitors of an MOU would otherwise wait for: Node
 * resolving and compiling the MOU page's modules on first use (~60 ms), the template data as
 * JSON, and a first run of the code that reads a stored document and a session's token.
 */
async function warmUp(): Promise<void> {
	await Promise.all([import('./routes/mous/[id]/+page.server'), import('./routes/mous/[id]/+page'), import('./routes/mous/[id]/+page.svelte')]);
	prepareTemplateData();
	listOpenSuggestions(initialDocumentUpdate(loadTemplate()));
	hashToken('warm-up');
}

export const handle: Handle = async ({ event, resolve }) => {
	const { db, collab } = await getRuntime();
	event.locals.user = null;
	event.locals.sessionId = null;
	event.locals.preloadMou = undefined;
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
	// Once the answer is on its way, not during it: loading the document would slow the page down.
	const preload = event.locals.preloadMou;
	if (preload) setImmediate(() => collab.preload(preload));
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Content-Type-Options', 'nosniff');
	return response;
};
