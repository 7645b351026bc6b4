import type { Cookies } from '@sveltejs/kit';
import { dev } from '$app/environment';

import { SESSION_COOKIE } from './sessions';
export { SESSION_COOKIE };

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date) {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: !dev && process.env.INSECURE_COOKIES !== '1',
		expires: expiresAt
	});
}

export function deleteSessionCookie(cookies: Cookies) {
	cookies.delete(SESSION_COOKIE, { path: '/' });
}
