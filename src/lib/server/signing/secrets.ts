import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

/** Hashes of the short secrets a signer types; salted with what they belong to. */

export function accessCodeHash(requestId: string, email: string, code: string): string {
	return digest(`access:${requestId}:${email}:${normalizeAccessCode(code)}`);
}

/** Codes are shown as XXXX-XXXX; people type them with or without the dash, in any case. */
export function normalizeAccessCode(code: string): string {
	return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export function oneTimeCodeHash(signerId: string, code: string): string {
	return digest(`otp:${signerId}:${code}`);
}

export function newOneTimeCode(): string {
	return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export function sameHash(a: string, b: string): boolean {
	const x = Buffer.from(a, 'hex');
	const y = Buffer.from(b, 'hex');
	return x.length === y.length && timingSafeEqual(x, y);
}

function digest(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}
