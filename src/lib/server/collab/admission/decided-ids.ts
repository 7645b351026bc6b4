import { CloseCode } from '../../../collab/protocol';
import { claimsOf } from './suggestion-ids';
import { placementsOf } from './placements';
import type { AdmissionCheck } from './types';

/**
 * The suggestion ids of this MOU that were decided (accepted, rejected or withdrawn): read from
 * the decisions when the room loads and on every 'history' notice (decisions made on other
 * instances), and taken on the spot from this instance's own decisions, as soon as one is admitted.
 * A decision closes its id for good: its record, its thread and its place in the history name it.
 */
export class DecidedIds {
	private readonly ids = new Set<string>();

	get size(): number {
		return this.ids.size;
	}

	has(id: string): boolean {
		return this.ids.has(id);
	}

	/** Adds `ids`; returns the ones that were not known yet (to take back if their decision fails). */
	add(ids: Iterable<string>): string[] {
		const added: string[] = [];
		for (const id of ids) {
			if (this.ids.has(id)) continue;
			this.ids.add(id);
			added.push(id);
		}
		return added;
	}

	/** A decision that was admitted but could not be stored: its ids are open again. */
	remove(ids: readonly string[]): void {
		for (const id of ids) this.ids.delete(id);
	}
}

/**
 * A new mark or term proposal with a decided id is refused, even from the suggestion's own author:
 * it would appear as an open suggestion that is already decided, and reopen its closed thread.
 * The server's own changes (decisions) are not new suggestions.
 */
export const decidedSuggestionIds: AdmissionCheck = ({ intake, author }, { doc, decidedIds }) => {
	if (author.kind === 'server' || decidedIds.size === 0) return null;
	for (const claim of claimsOf(intake, placementsOf(intake, doc))) {
		if (decidedIds.has(claim.id)) return { code: CloseCode.updateRefused, reason: `uses suggestion id ${claim.id}, which was already decided` };
	}
	return null;
};
