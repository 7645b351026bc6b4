import type { SessionUser } from '$lib/server/auth';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			sessionId: string | null;
			/** The MOU whose live document to load once this answer is made (its editor connects next). */
			preloadMou?: string;
		}
		interface Error {
			message: string;
		}
		interface PageData {
			/** The time zone the page's dates are written in ($lib/dates). */
			zone?: string;
		}
	}
}

export {};
