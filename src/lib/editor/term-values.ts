import type * as Y from 'yjs';
import { formatTermValue } from '$lib/templates/terms';
import type { TemplateTerm } from '$lib/templates/types';

/** How a fill-in term is shown: its label when empty, its value formatted for reading when filled. */
export interface TermPresentation {
	label(key: string): string;
	format(key: string, value: string): string;
}

export interface TermDisplay {
	text: string;
	filled: boolean;
	label: string;
}

/** "agency_head_title" → "Agency head title": a readable stand-in when no template describes the key. */
export function humanizeTermKey(key: string): string {
	const words = key.replace(/[_-]+/g, ' ').trim();
	return words ? words[0].toUpperCase() + words.slice(1) : 'Term';
}

export const plainPresentation: TermPresentation = {
	label: humanizeTermKey,
	format: (_key, value) => value
};

/**
 * Live view of the `terms` map for the inline term nodes: one map observer shared by every node
 * view, which subscribe by key.
 */
export class TermValues {
	private readonly listeners = new Map<string, Set<() => void>>();
	private readonly onMapChange = (event: Y.YMapEvent<string>) => {
		for (const key of event.keysChanged) {
			for (const listener of this.listeners.get(key) ?? []) listener();
		}
	};

	constructor(
		private readonly map: Y.Map<string>,
		private readonly presentation: TermPresentation = plainPresentation
	) {
		map.observe(this.onMapChange);
	}

	display(key: string): TermDisplay {
		const raw = this.map.get(key);
		const value = typeof raw === 'string' ? raw.trim() : '';
		const label = this.presentation.label(key);
		if (!value) return { text: `[${label}]`, filled: false, label };
		return { text: this.presentation.format(key, value) || value, filled: true, label };
	}

	subscribe(key: string, listener: () => void): () => void {
		let set = this.listeners.get(key);
		if (!set) this.listeners.set(key, (set = new Set()));
		set.add(listener);
		return () => set.delete(listener);
	}

	destroy(): void {
		this.map.unobserve(this.onMapChange);
		this.listeners.clear();
	}
}

/** Term nodes show the template's label when empty and the value formatted by type when filled (the editor, compare). */
export function termPresentation(terms: readonly TemplateTerm[]): TermPresentation {
	const byKey = new Map(terms.map((term) => [term.key, term]));
	return {
		label: (key) => byKey.get(key)?.label ?? humanizeTermKey(key),
		format: (key, value) => {
			const term = byKey.get(key);
			return term ? formatTermValue(term, value) : value;
		}
	};
}
