import type { SessionUser } from '../../src/lib/server/auth';
import type { Sql } from '../../src/lib/server/db';
import { decideSuggestions, type DecideInput } from '../../src/lib/server/redlines';
import { seenEntries } from '../../src/lib/document';
import { storedDoc } from './stored-edits';

/**
 * A decision as the suggestions panel posts it: with what the decider sees of each suggestion,
 * here the stored document as it is now (the panel reads its own copy of the document).
 */
export async function decideAsSeen(
	deps: Parameters<typeof decideSuggestions>[0],
	user: SessionUser,
	mouId: string,
	input: Omit<DecideInput, 'seen'>
): ReturnType<typeof decideSuggestions> {
	return decideSuggestions(deps, user, mouId, { ...input, seen: await seenNow(deps.sql, mouId, input.suggestionIds.map(String)) });
}

/** The SEEN_FIELD values for these suggestions in the stored document now. */
export async function seenNow(sql: Sql, mouId: string, ids: string[]): Promise<string[]> {
	const doc = await storedDoc(sql, mouId);
	try {
		return seenEntries(doc, ids);
	} finally {
		doc.destroy();
	}
}
