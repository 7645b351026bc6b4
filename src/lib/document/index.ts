// The stored MOU document: its Yjs roots and the one reader of stored state.
export { BODY_FIELD, TERMS_FIELD, TERM_PROPOSALS_FIELD, DOCUMENT_ROOTS } from './fields';
export { openStoredDoc, withStoredDoc, readStoredMou, storedMouOf, termValuesOf, type StoredMou } from './stored';
export { indexOfItem, insertionShownAt, markedRuns, markTypedUnder, textsOf, typedAfter, type MarkedRun } from './suggestion-runs';
export { parseSeen, SEEN_FIELD, seenEntries, suggestionFingerprints } from './suggestion-fingerprint';
