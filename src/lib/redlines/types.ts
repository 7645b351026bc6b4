/**
 * Tracked suggestions, shared by the editor, the server and the export. A suggestion is a mark
 * on text in the shared Yjs document (Y.XmlText formatting), so it survives real-time editing and
 * maps one-to-one onto Word's w:ins / w:del. The server checks every attribute a client writes.
 */
import type { Party } from '../mou/party';

/** The party type is the MOU's (src/lib/mou/party.ts); re-exported as part of the suggestion vocabulary. */
export type { Party };

export const INSERTION = 'insertion';
export const DELETION = 'deletion';
export type SuggestionKind = typeof INSERTION | typeof DELETION;

/** What an insertion or deletion mark carries (also the Yjs formatting attribute value). */
export interface SuggestionAttrs {
	/** Groups the marks of one suggestion (one typing run, one deletion, one paste). */
	id: string;
	party: Party;
	authorId: string;
	authorName: string;
	/** ISO 8601 time the suggestion was made. */
	at: string;
}

/** A proposed new value for a fill-in term, kept in the `termProposals` map under the term's key. */
export interface TermProposal extends SuggestionAttrs {
	value: string;
}

export type Decision = 'accept' | 'reject' | 'withdraw';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A well-formed suggestion id (what marks and proposals carry); says nothing of whether it exists. */
export function isSuggestionId(value: unknown): value is string {
	return typeof value === 'string' && ID.test(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A new random suggestion id (URL-safe, no coordination needed between clients). */
export function newSuggestionId(): string {
	const bytes = new Uint8Array(12);
	crypto.getRandomValues(bytes);
	return Array.from(bytes, (b) => b.toString(36).padStart(2, '0'))
		.join('')
		.slice(0, 20);
}

/** Parses mark attributes from untrusted input; null when they are not well formed. */
export function parseSuggestionAttrs(value: unknown): SuggestionAttrs | null {
	if (typeof value !== 'object' || value === null) return null;
	const v = value as Record<string, unknown>;
	if (typeof v.id !== 'string' || !ID.test(v.id)) return null;
	if (v.party !== 'agency' && v.party !== 'district') return null;
	if (typeof v.authorId !== 'string' || !UUID.test(v.authorId)) return null;
	if (typeof v.authorName !== 'string' || v.authorName.length === 0 || v.authorName.length > 200) return null;
	if (typeof v.at !== 'string' || v.at.length > 40 || Number.isNaN(Date.parse(v.at))) return null;
	return { id: v.id, party: v.party, authorId: v.authorId, authorName: v.authorName, at: v.at };
}

/** The map value of a term proposal: JSON text (the terms roots hold strings only). */
export function encodeTermProposal(proposal: TermProposal): string {
	return JSON.stringify(proposal);
}

/** A proposal's JSON must fit the server's limit for a term map value (4000 characters). */
export const MAX_PROPOSAL_VALUE_LENGTH = 3500;

export function parseTermProposal(text: unknown): TermProposal | null {
	if (typeof text !== 'string' || text.length > 4000) return null;
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return null;
	}
	const attrs = parseSuggestionAttrs(value);
	const proposed = (value as { value?: unknown }).value;
	if (!attrs || typeof proposed !== 'string' || proposed.length > MAX_PROPOSAL_VALUE_LENGTH) return null;
	return { ...attrs, value: proposed };
}

export function partyLabel(party: Party): string {
	return party === 'agency' ? 'Agency' : 'District';
}
