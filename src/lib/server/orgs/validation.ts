import type { Role } from './store';

export const ROLES: readonly Role[] = ['counsel', 'signatory', 'viewer'];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	const email = value.trim().toLowerCase();
	return EMAIL.test(email) && email.length <= 254 ? email : null;
}

export function cleanText(value: unknown, max = 200): string {
	return typeof value === 'string' ? value.trim().replace(/\s+/g, ' ').slice(0, max) : '';
}

export function isRole(value: unknown): value is Role {
	return typeof value === 'string' && (ROLES as string[]).includes(value);
}

export function isTimeZone(value: unknown): value is string {
	if (typeof value !== 'string' || !value) return false;
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: value });
		return value.includes('/') || value === 'UTC';
	} catch {
		return false;
	}
}
