/**
 * What changed on an MOU since a person last looked: suggestions, comments and decisions others
 * made, counted from the moment they last left its page (one row per person and MOU).
 */
export { whatChanged, recordVisit } from './visits';
export type { WhatChanged, ChangeItem, ChangeKind } from '$lib/visits/types';
