import type { CompareBlock, CompareSummary, PartyCounts, PartyKey, TermChange } from '../../compare/types';

const zero = (): PartyCounts => ({ agency: 0, district: 0, unknown: 0 });

/**
 * Counts what a reader sees: each stretch of inserted or deleted text by one party is one
 * change (runs split only by formatting count once), and a block added or removed whole (a
 * clause) is one change of its party, not one per paragraph inside it.
 */
export function summarize(blocks: CompareBlock[], terms: TermChange[]): CompareSummary {
	const summary: CompareSummary = {
		insertions: zero(),
		deletions: zero(),
		blocksAdded: 0,
		blocksRemoved: 0,
		termsChanged: terms.length
	};
	const visit = (block: CompareBlock) => {
		if (block.change) {
			summary[block.change === 'added' ? 'blocksAdded' : 'blocksRemoved']++;
			summary[block.change === 'added' ? 'insertions' : 'deletions'][block.party ?? 'unknown']++;
			return;
		}
		let previous: string | null = null;
		for (const run of block.runs) {
			const key: PartyKey = run.party ?? 'unknown';
			const stretch = run.change ? `${run.change}:${key}` : null;
			if (stretch && stretch !== previous) summary[run.change === 'added' ? 'insertions' : 'deletions'][key]++;
			previous = stretch;
		}
		block.children.forEach(visit);
	};
	blocks.forEach(visit);
	return summary;
}
