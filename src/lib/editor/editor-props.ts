import { Extension } from '@tiptap/core';
import type { EditorView } from '@tiptap/pm/view';
import { Plugin, PluginKey } from '@tiptap/pm/state';

/**
 * The text's accessible name follows the mode. TipTap spreads editorProps.attributes into an
 * object, so a function there is lost; as a plugin prop ProseMirror re-reads it on every update
 * (it follows setEditable).
 */
function accessibleNamePlugin(mode: { suggesting: () => boolean; editable: () => boolean }): Plugin {
	return new Plugin({
		key: new PluginKey('accessibleName'),
		props: {
			attributes: () => ({
				'aria-label': mode.suggesting() && mode.editable() ? 'MOU text — suggesting: your changes are tracked' : 'MOU text',
				'aria-multiline': 'true',
				...(mode.editable() ? {} : { 'aria-readonly': 'true' })
			})
		}
	});
}

/**
 * The plugin above as an extension, so it is there when the editor is built: registering a
 * plugin afterwards rebuilds the plugin views, and the collaboration binding's view renders the
 * whole document again (for a full-length MOU, as long as building the editor did).
 */
export function AccessibleName(mode: { suggesting: () => boolean; editable: () => boolean }) {
	return Extension.create({ name: 'accessibleName', addProseMirrorPlugins: () => [accessibleNamePlugin(mode)] });
}

/**
 * Chrome reports a caret move (End, Ctrl+End, arrows) with an asynchronous selectionchange;
 * a key pressed right after it would act on the old selection (Enter splitting the wrong
 * paragraph). Have ProseMirror read the DOM selection first, as it would on that event.
 */
export function readPendingSelection(view: EditorView): boolean {
	const observer = (view as unknown as { domObserver?: { forceFlush?(): void; flush?(): void } }).domObserver;
	observer?.forceFlush?.();
	observer?.flush?.();
	return false;
}
