import type { StoredMou } from '../../document';
import type { CompletionCertificate } from '../../signing/certificate';
import type { Party } from '../../redlines/types';
import type { TemplateTerm } from '../../templates/types';

/**
 * What the DOCX renderers take: plain data, no database, so the renderers are pure functions
 * that unit tests and the benchmark call directly.
 */

/** The MOU document as read from a Yjs state (the stored-document reader's result). */
export type ExportDocument = StoredMou;

/** One shared comment thread: its first comment, then the replies in order. */
export interface ExportThread {
	id: string;
	/** The selected text the thread was started on ('' for a comment on the whole MOU). */
	quote: string;
	resolved: boolean;
	/** A thread on a suggestion sits on that tracked change (not on a quote); null for a comment on text. */
	suggestionId?: string | null;
	comments: ExportComment[];
}

export interface ExportComment {
	authorName: string;
	party: Party;
	body: string;
	createdAt: Date;
}

/** What every rendering needs besides the document. */
export interface ExportContext {
	/** The MOU's own title (mous.title), for the header and the file's properties. */
	mouTitle: string;
	mouId: string;
	/** The template's term definitions: labels and types, to format values as the editor does. */
	termDefinitions: readonly TemplateTerm[];
	/** Each party's organization name, for authors such as "Dana Whitfield (Springfield Police Department)". */
	partyNames: Partial<Record<Party, string>>;
	/** When the export was made (the header line and notes say "as of"). */
	generatedAt: Date;
	/** Optional blocks: clause id → the term that must be filled for it to print (printConditions). */
	printWhen?: Record<string, string>;
}

export interface RedlineInput extends ExportContext {
	document: ExportDocument;
	/** Shared threads only: the caller never passes internal ones. */
	threads: ExportThread[];
}

export interface CleanInput extends ExportContext {
	document: ExportDocument;
	/** "Current draft" or the version's label, e.g. "Round 2 — sent by the district". */
	versionLabel: string;
	/** A draft may carry open suggestions; an agreed version has none. */
	isDraft: boolean;
}

export interface SignedInput extends ExportContext {
	/** The agreed version's document (the text everyone signed). */
	document: ExportDocument;
	certificate: CompletionCertificate;
}

export interface RenderedDocx {
	bytes: Uint8Array;
	filename: string;
}
