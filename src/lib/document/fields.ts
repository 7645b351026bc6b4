/** The Yjs roots of a stored MOU document: the one place their names are declared. */

/** The Yjs root that holds the ProseMirror document. */
export const BODY_FIELD = 'body';
/** The Yjs root that holds fill-in term values (key → string). */
export const TERMS_FIELD = 'terms';
/** The Yjs root that holds proposed term values while negotiating (key → TermProposal JSON). */
export const TERM_PROPOSALS_FIELD = 'termProposals';
/** The only roots a client may write to; the server refuses any other. */
export const DOCUMENT_ROOTS = [BODY_FIELD, TERMS_FIELD, TERM_PROPOSALS_FIELD] as const;
