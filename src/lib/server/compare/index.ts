/**
 * Compare two versions of an MOU (named rounds, the agreed text, the current draft): what was
 * inserted and deleted between them, by which party, and which terms changed.
 */
export { loadComparison, CURRENT, type ComparePage, type CompareSide } from './load';
export { compareStates, type CompareOptions } from './compare';
export type { ClientDirectory } from './attribution';
export type * from '$lib/compare/types';
