import { error, redirect } from '@sveltejs/kit';
import type { SessionUser } from './store';

/** Pages behind sign-in send strangers to the sign-in page and bring them back afterwards. */
export function requireUser(locals: App.Locals, url: URL): SessionUser {
	if (!locals.user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
	return locals.user;
}

/** Actions refuse rather than redirect: a form post without a session is simply not allowed. */
export function requireUserForAction(locals: App.Locals): SessionUser {
	if (!locals.user) error(401, 'Sign in first.');
	return locals.user;
}
