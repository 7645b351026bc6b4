import type { Node as PMNode } from '@tiptap/pm/model';
import type * as Y from 'yjs';
import { DELETION, INSERTION, parseTermProposal, type SuggestionAttrs, type SuggestionKind, type TermProposal } from '../../redlines/types';
import { deletionOf, insertionOf } from './attrs';

/** One open text suggestion: every run of text carrying the same mark id. */
export interface TextSuggestion extends SuggestionAttrs {
	kind: SuggestionKind;
	text: string;
	from: number;
	to: number;
}

/** Open text suggestions in document order (by where each starts). */
export function collectSuggestions(doc: PMNode): TextSuggestion[] {
	const byKey = new Map<string, TextSuggestion>();
	doc.descendants((node, pos) => {
		if (!node.isText) return true;
		for (const [kind, attrs] of [
			[INSERTION, insertionOf(node)],
			[DELETION, deletionOf(node)]
		] as const) {
			if (!attrs) continue;
			const key = `${kind}:${attrs.id}`;
			const found = byKey.get(key);
			const end = pos + node.nodeSize;
			if (!found) {
				byKey.set(key, { ...attrs, kind, text: node.text ?? '', from: pos, to: end });
			} else {
				// Separate runs (another paragraph, a term between) are joined with a space for the excerpt.
				found.text += (found.to === pos ? '' : ' ') + (node.text ?? '');
				found.to = end;
			}
		}
		return false;
	});
	return [...byKey.values()].sort((a, b) => a.from - b.from);
}

/** Where the text of suggestion `id` is now: from its first to its last character. */
export function suggestionRange(doc: PMNode, id: string): { from: number; to: number } | null {
	let from = -1;
	let to = -1;
	doc.descendants((node, pos) => {
		if (!node.isText) return true;
		if (insertionOf(node)?.id === id || deletionOf(node)?.id === id) {
			if (from < 0) from = pos;
			to = pos + node.nodeSize;
		}
		return false;
	});
	return from < 0 ? null : { from, to };
}

export interface PendingTermProposal {
	key: string;
	proposal: TermProposal;
}

/** Well-formed proposals in the `termProposals` map (malformed ones are the server's to refuse). */
export function collectTermProposals(map: Y.Map<string>): PendingTermProposal[] {
	const list: PendingTermProposal[] = [];
	for (const [key, value] of map.entries()) {
		const proposal = parseTermProposal(value);
		if (proposal) list.push({ key, proposal });
	}
	return list.sort((a, b) => a.key.localeCompare(b.key));
}
