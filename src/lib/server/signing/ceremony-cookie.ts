import type { Cookies } from '@sveltejs/kit';
import { dev } from '$app/environment';
import { SIGNING_PATH } from './context';

/** The ceremony cookie: one per signing link (its path), so two signers on one computer stay apart. */
export const CEREMONY_COOKIE = 'mou_signing';

export function setCeremonyCookie(cookies: Cookies, token: string, value: string, expires: Date) {
	cookies.set(CEREMONY_COOKIE, value, {
		path: SIGNING_PATH(token),
		httpOnly: true,
		sameSite: 'lax',
		secure: !dev && process.env.INSECURE_COOKIES !== '1',
		expires
	});
}
