import { Extension } from '@tiptap/core';
import type { TermValues } from './term-values';
import { numberingKey } from './numbering';

/**
 * Optional signature blocks (a template clause's `printWhen`): like the DOCX, the editor leaves
 * a block out of the text and the numbering until the term naming its signer is filled, and
 * shows it as a one-line "add this signer" in its place.
 */
export class OptionalBlocks {
	constructor(
		/** Clause id → the term whose value makes it print (templates/print.ts `printConditions`). */
		private readonly conditions: Readonly<Record<string, string>>,
		readonly values: TermValues,
		/** Takes the person to the term's field. */
		readonly fill: (key: string) => void
	) {}

	conditionOf(clauseId: string): string | null {
		return this.conditions[clauseId] ?? null;
	}

	/** The blocks that print nothing now. */
	unprinted(): Set<string> {
		return new Set(
			Object.entries(this.conditions)
				.filter(([, key]) => !this.values.display(key).filled)
				.map(([clauseId]) => clauseId)
		);
	}

	keys(): string[] {
		return [...new Set(Object.values(this.conditions))];
	}
}

/** Renumbers when a term that decides whether a block prints changes (no document change brings it). */
export const OptionalBlockNumbering = Extension.create<{ blocks: OptionalBlocks | null }, { stops: (() => void)[] }>({
	name: 'optionalBlockNumbering',
	addOptions() {
		return { blocks: null };
	},
	addStorage() {
		return { stops: [] };
	},
	onCreate() {
		const { blocks } = this.options;
		if (!blocks) return;
		// After the Yjs transaction that changed the term, not inside its observer.
		const refresh = () =>
			queueMicrotask(() => {
				if (!this.editor.isDestroyed) this.editor.view.dispatch(this.editor.state.tr.setMeta(numberingKey, true));
			});
		this.storage.stops = blocks.keys().map((key) => blocks.values.subscribe(key, refresh));
	},
	onDestroy() {
		for (const stop of this.storage.stops) stop();
		this.storage.stops = [];
	}
});
