import type { Visibility } from '$lib/comments/types';
import { MAX_BODY_LENGTH } from '$lib/comments/limits';

export { MAX_BODY_LENGTH };
/** The quoted text is only a reminder of what was selected; longer selections are shortened. */
export const MAX_QUOTE_LENGTH = 300;
export const MAX_ANCHOR_BYTES = 2048;
const MAX_ANCHOR_DEPTH = 8;

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
	return typeof value === 'string' && UUID.test(value);
}

export function checkBody(value: unknown): Checked<string> {
	const body = typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
	if (!body) return { ok: false, error: 'Write a comment first.' };
	if (body.length > MAX_BODY_LENGTH)
		return {
			ok: false,
			error: `Keep a comment under ${MAX_BODY_LENGTH.toLocaleString('en-US')} characters (this one has ${body.length.toLocaleString('en-US')}).`
		};
	return { ok: true, value: body };
}

export function checkVisibility(value: unknown): Checked<Visibility> {
	if (value === 'shared' || value === 'internal') return { ok: true, value };
	return { ok: false, error: 'Choose who can read this comment.' };
}

export function cleanQuote(value: unknown): string {
	const quote = typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '';
	return quote.length > MAX_QUOTE_LENGTH ? `${quote.slice(0, MAX_QUOTE_LENGTH - 1)}…` : quote;
}

/**
 * The editor's anchor for the selected text: { from, to } Yjs relative positions (JSON). The server
 * never resolves it, only bounds it — that shape, at most 2 KB, a few levels deep. Absent or empty
 * means a comment on the MOU as a whole.
 */
export function checkAnchor(value: unknown): Checked<Record<string, unknown> | null> {
	if (value === null || value === undefined || value === '') return { ok: true, value: null };
	if (typeof value !== 'string') return { ok: false, error: 'The selected text could not be recorded.' };
	if (new TextEncoder().encode(value).length > MAX_ANCHOR_BYTES)
		return { ok: false, error: 'The selection is too large to anchor a comment to; select less text.' };
	let parsed: unknown;
	try {
		parsed = JSON.parse(value);
	} catch {
		return { ok: false, error: 'The selected text could not be recorded.' };
	}
	if (!isRange(parsed) || depth(parsed) > MAX_ANCHOR_DEPTH) return { ok: false, error: 'The selected text could not be recorded.' };
	return { ok: true, value: parsed as Record<string, unknown> };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRange(value: unknown): value is { from: Record<string, unknown>; to: Record<string, unknown> } {
	return isPlainObject(value) && Object.keys(value).length === 2 && isPlainObject(value.from) && isPlainObject(value.to);
}

function depth(value: unknown): number {
	if (typeof value !== 'object' || value === null) return 0;
	let deepest = 0;
	for (const child of Object.values(value)) deepest = Math.max(deepest, depth(child));
	return deepest + 1;
}
