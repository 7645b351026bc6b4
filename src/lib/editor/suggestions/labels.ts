import type { Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { partyLabel, type SuggestionAttrs } from '../../redlines/types';
import { deletionOf, insertionOf } from './attrs';
import { formatWhen } from './format';

export const suggestionLabelsKey = new PluginKey<DecorationSet>('suggestionLabels');

/** "Inserted by Dana Whitfield (Agency), 14 Feb 2026, 10:32" */
export function describeSuggestion(kind: 'insertion' | 'deletion', attrs: SuggestionAttrs, zone = 'UTC'): string {
	const verb = kind === 'insertion' ? 'Inserted' : 'Deleted';
	return `${verb} by ${attrs.authorName} (${partyLabel(attrs.party)}), ${formatWhen(attrs.at, zone)}`;
}

function describe(node: PMNode, zone: string): string | null {
	const ins = insertionOf(node);
	const del = deletionOf(node);
	const parts = [ins && describeSuggestion('insertion', ins, zone), del && describeSuggestion('deletion', del, zone)].filter(Boolean);
	return parts.length ? parts.join('; ') : null;
}

const sameSuggestions = (a: PMNode | null, b: PMNode) => a !== null && insertionOf(a)?.id === insertionOf(b)?.id && deletionOf(a)?.id === deletionOf(b)?.id;

/**
 * Who suggested what, for everyone: a readable tooltip on every suggested text node, and on the
 * first node of each run a label that CSS renders as visually hidden text, so that a screen
 * reader says "Inserted by … " before the words (the marks alone only change the styling).
 */
function build(doc: PMNode, zone: string): DecorationSet {
	const decorations: Decoration[] = [];
	doc.descendants((node, pos) => {
		if (!node.inlineContent) return true;
		let previous: PMNode | null = null;
		node.forEach((child, offset) => {
			const label = child.isText ? describe(child, zone) : null;
			if (label) {
				const start = !sameSuggestions(previous, child);
				const attrs: Record<string, string> = { title: label };
				if (start) Object.assign(attrs, { class: 'suggestion-start', 'data-label': `${label}: ` });
				decorations.push(Decoration.inline(pos + 1 + offset, pos + 1 + offset + child.nodeSize, attrs));
			}
			previous = child.isText ? child : null;
		});
		return false;
	});
	return DecorationSet.create(doc, decorations);
}

export function suggestionLabels(zone: () => string = () => 'UTC'): Plugin<DecorationSet> {
	return new Plugin<DecorationSet>({
		key: suggestionLabelsKey,
		state: {
			init: (_, state) => build(state.doc, zone()),
			apply: (tr, old) => (tr.docChanged ? build(tr.doc, zone()) : old)
		},
		props: {
			decorations: (state) => suggestionLabelsKey.getState(state)
		}
	});
}
