import * as Y from 'yjs';
import { CloseCode } from '../../../collab/protocol';
import { TERM_PROPOSALS_FIELD } from '../../../document';
import { DELETION, INSERTION, parseSuggestionAttrs, parseTermProposal, type Party } from '../../../redlines/types';
import type { PlacementResolver } from '../guard/placement';
import { itemsAddedBy } from '../tracked/rules';
import type { Intake } from '../update-intake';
import { newItems, placementsOf } from './placements';
import type { AdmissionCheck } from './types';

export interface SuggestionOwner {
	authorId: string;
	party: Party;
}

interface Claim extends SuggestionOwner {
	id: string;
}

/**
 * Which author and party each suggestion id belongs to: the first mark or term proposal that used
 * it, deleted ones included (decisions are recorded by id). A suggestion is decided as a whole, so
 * an id shared with someone else would let a party decide on its own text as if it were theirs.
 */
export class SuggestionIds {
	private readonly owners = new Map<string, SuggestionOwner>();

	/** Every id the document has used so far. */
	static of(doc: Y.Doc): SuggestionIds {
		const ids = new SuggestionIds();
		const proposals = doc.share.get(TERM_PROPOSALS_FIELD);
		for (const structs of doc.store.clients.values()) {
			for (const struct of structs) {
				if (struct instanceof Y.Item) ids.add(integratedClaim(struct, proposals));
			}
		}
		return ids;
	}

	ownerOf(id: string): SuggestionOwner | undefined {
		return this.owners.get(id);
	}

	/** Claims of an admitted update (before it is stored: later updates must see them). */
	recordAdmitted(intake: Intake, doc: Y.Doc): void {
		for (const claim of claimsOf(intake, placementsOf(intake, doc))) this.add(claim);
	}

	/** Claims of a transaction the room's document took in from elsewhere (other instances). */
	recordTransaction(tr: Y.Transaction): void {
		const proposals = tr.doc.share.get(TERM_PROPOSALS_FIELD);
		for (const item of itemsAddedBy(tr)) this.add(integratedClaim(item, proposals));
	}

	private add(claim: Claim | null): void {
		if (claim && !this.owners.has(claim.id)) this.owners.set(claim.id, { authorId: claim.authorId, party: claim.party });
	}
}

/** A mark (or proposal) with an id already used by another author or party is refused. */
export const suggestionIdOwnership: AdmissionCheck = ({ intake }, { doc, suggestionIds }) => {
	const seen = new Map<string, SuggestionOwner>();
	for (const claim of claimsOf(intake, placementsOf(intake, doc))) {
		const owner = suggestionIds.ownerOf(claim.id) ?? seen.get(claim.id);
		if (owner && (owner.authorId !== claim.authorId || owner.party !== claim.party))
			return { code: CloseCode.updateRefused, reason: `uses suggestion id ${claim.id}, which belongs to someone else’s suggestion` };
		seen.set(claim.id, claim);
	}
	return null;
};

export function* claimsOf(intake: Intake, placements: PlacementResolver): Generator<Claim> {
	for (const item of newItems(intake, placements)) {
		const content = item.content;
		if (content instanceof Y.ContentFormat) {
			const claim = markClaim(content);
			if (claim) yield claim;
		} else if (content instanceof Y.ContentAny) {
			const placement = placements.placementOf(item);
			if (placement?.root !== TERM_PROPOSALS_FIELD) continue;
			const proposal = parseTermProposal(content.getContent()[0]);
			if (proposal) yield proposal;
		}
	}
}

function markClaim(content: Y.ContentFormat): Claim | null {
	if (content.key !== INSERTION && content.key !== DELETION) return null;
	return parseSuggestionAttrs(content.value);
}

function integratedClaim(item: Y.Item, proposals: unknown): Claim | null {
	if (item.content instanceof Y.ContentFormat) return markClaim(item.content);
	if (item.content instanceof Y.ContentAny && proposals !== undefined && item.parent === proposals) return parseTermProposal(item.content.getContent()[0]);
	return null;
}
