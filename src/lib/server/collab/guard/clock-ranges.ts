/**
 * A set of Yjs ids stored as per-client sorted, merged clock ranges [start, end).
 * Ranges (not item references) keep membership stable when Yjs later splits an item.
 */
export class ClockRanges {
	private readonly byClient: Map<number, { starts: number[]; ends: number[] }>;

	private constructor(byClient: Map<number, { starts: number[]; ends: number[] }>) {
		this.byClient = byClient;
	}

	/** True when `clock` of `client` lies inside one of the ranges. */
	has(client: number, clock: number): boolean {
		const ranges = this.byClient.get(client);
		if (ranges === undefined) return false;
		const i = lastStartBelow(ranges.starts, clock + 1);
		return i >= 0 && clock < ranges.ends[i];
	}

	/** True when any clock in [start, end) of `client` lies inside one of the ranges. */
	overlaps(client: number, start: number, end: number): boolean {
		const ranges = this.byClient.get(client);
		if (ranges === undefined || end <= start) return false;
		// Ranges are disjoint and sorted, so the last one starting before `end` reaches furthest.
		const i = lastStartBelow(ranges.starts, end);
		return i >= 0 && ranges.ends[i] > start;
	}

	static builder(): ClockRangesBuilder {
		return new ClockRangesBuilder();
	}

	/** Used by the builder only. */
	static fromSorted(byClient: Map<number, { starts: number[]; ends: number[] }>): ClockRanges {
		return new ClockRanges(byClient);
	}
}

export class ClockRangesBuilder {
	private readonly pending = new Map<number, Array<[number, number]>>();

	add(client: number, start: number, end: number): void {
		let list = this.pending.get(client);
		if (list === undefined) this.pending.set(client, (list = []));
		list.push([start, end]);
	}

	build(): ClockRanges {
		const byClient = new Map<number, { starts: number[]; ends: number[] }>();
		for (const [client, list] of this.pending) {
			list.sort((a, b) => a[0] - b[0]);
			const starts: number[] = [];
			const ends: number[] = [];
			for (const [start, end] of list) {
				const last = ends.length - 1;
				if (last >= 0 && start <= ends[last]) ends[last] = Math.max(ends[last], end);
				else {
					starts.push(start);
					ends.push(end);
				}
			}
			byClient.set(client, { starts, ends });
		}
		return ClockRanges.fromSorted(byClient);
	}
}

/** Index of the last element of sorted `starts` that is < `bound`, or -1. */
function lastStartBelow(starts: number[], bound: number): number {
	let lo = 0;
	let hi = starts.length - 1;
	let found = -1;
	while (lo <= hi) {
		const mid = (lo + hi) >>> 1;
		if (starts[mid] < bound) {
			found = mid;
			lo = mid + 1;
		} else hi = mid - 1;
	}
	return found;
}
