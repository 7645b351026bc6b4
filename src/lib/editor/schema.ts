import { getSchema, type AnyExtension } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { Table, TableRow, TableHeader, TableCell } from '@tiptap/extension-table';
import { Clause, ClauseRef, Term, PageBreak } from './nodes';
import { Insertion, Deletion } from '../redlines/marks';

/** Extensions that define the schema; the editor adds behaviour on top of these. */
export function documentExtensions(): AnyExtension[] {
	return [
		// Yjs owns history; link opens on click only outside the editor. No trailing-node plugin:
		// it would make every client that opens the draft write a paragraph into it.
		StarterKit.configure({ undoRedo: false, link: { openOnClick: false }, trailingNode: false }),
		Table.configure({ resizable: false }),
		TableRow,
		TableHeader,
		TableCell,
		Clause,
		Term,
		ClauseRef,
		PageBreak,
		Insertion,
		Deletion
	];
}

export const documentSchema = getSchema(documentExtensions());
