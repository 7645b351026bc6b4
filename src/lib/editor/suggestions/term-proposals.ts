import type * as Y from 'yjs';
import { TERM_PROPOSALS_FIELD } from '$lib/document';
import { encodeTermProposal, MAX_PROPOSAL_VALUE_LENGTH, newSuggestionId, parseTermProposal, type Party } from '$lib/redlines/types';

/** What the proposer asks the editor, each time: the session can be replaced (reconnect) and editing can end while a write waits. */
export interface TermProposalHost {
	doc(): Y.Doc | undefined;
	canWrite(): boolean;
	/** The term's agreed value as the editor shows it now. */
	current(key: string): string;
	author(): { party: Party; authorId: string; authorName: string };
}

export interface TermProposer {
	propose(key: string, value: string): void;
	/** Writes every waiting proposal now (before the session closes). */
	flush(): void;
}

/** Typing pauses this long before a proposal is written: one proposal per burst of keystrokes. */
const PROPOSAL_DELAY_MS = 400;

/**
 * While negotiating a term's value changes by proposal: this side's pending proposal is
 * updated (same id), else a new one made. The other side's pending proposal is decided first.
 */
export function termProposer(host: TermProposalHost): TermProposer {
	const waiting = new Map<string, { timer: ReturnType<typeof setTimeout>; write: () => void }>();
	return {
		propose(key, value) {
			const map = host.doc()?.getMap<string>(TERM_PROPOSALS_FIELD);
			if (!map || value.length > MAX_PROPOSAL_VALUE_LENGTH) return;
			clearTimeout(waiting.get(key)?.timer);
			const write = () => {
				waiting.delete(key);
				if (host.doc()?.getMap(TERM_PROPOSALS_FIELD) !== map || !host.canWrite()) return;
				const existing = parseTermProposal(map.get(key));
				const author = host.author();
				if (existing && existing.party !== author.party) return;
				if (existing ? existing.value === value : host.current(key) === value) return;
				const id = existing?.id ?? newSuggestionId();
				const at = new Date().toISOString();
				map.set(key, encodeTermProposal({ id, party: author.party, authorId: author.authorId, authorName: author.authorName, at, value }));
			};
			waiting.set(key, { timer: setTimeout(write, PROPOSAL_DELAY_MS), write });
		},
		flush() {
			for (const { timer, write } of [...waiting.values()]) {
				clearTimeout(timer);
				write();
			}
		}
	};
}
