import type { Transaction } from '@tiptap/pm/state';

/** Set on transactions suggesting mode produced (and on any that must not be tracked). */
export const SUGGESTION_META = 'mouSuggestion';

/** Paste, input-type and plugin flags travel with the rebuilt change; ProseMirror keeps them private. */
export function copyMeta(from: Transaction, to: Transaction): void {
	const meta = (from as unknown as { meta?: Record<string, unknown> }).meta;
	if (meta) for (const [key, value] of Object.entries(meta)) to.setMeta(key, value);
}
