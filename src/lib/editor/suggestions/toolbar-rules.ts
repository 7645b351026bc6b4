import type { EditorState } from '@tiptap/pm/state';
import { onlyOwnPending, type SuggestContext } from './attrs';

/**
 * Which toolbar actions the suggesting rules let through at the current selection, so the
 * toolbar can say so up front instead of the change being dropped:
 * marks — the selected text is the user's own new text (a bare caret only sets stored marks);
 * block — the whole textblock is; insert — structure goes in at a paragraph's end or start.
 */
export function formattingAllowed(
	state: EditorState,
	user: { id: string; side: SuggestContext['user']['side'] }
): Record<'mark' | 'block' | 'insert', boolean> {
	const ctx = { user: { ...user, name: '' } } as SuggestContext;
	const { $from, $to, from, to, empty } = state.selection;
	const mark = empty || onlyOwnPending(state.doc, from, to, ctx);
	const block = onlyOwnPending(state.doc, $from.start(), $to.end(), ctx);
	const edge = $from.parent.inlineContent && ($from.parentOffset === $from.parent.content.size || $from.parentOffset === 0);
	return { mark, block, insert: empty ? edge || block : false };
}
