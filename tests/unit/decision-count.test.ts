import { describe, expect, it } from 'vitest';
import { DecisionCount } from '../../src/lib/server/collab/decision-count';

// What each update a room admits says it has seen of the MOU's decisions (mou_updates.decisions_seen):
// the database refuses a row that saw fewer than are counted (migration 0016).

describe('the decisions a room has seen', () => {
	it('are the count read at load, then what another instance decided once learned', () => {
		const count = new DecisionCount();
		count.loaded(2);
		const early = count.seen;
		count.learned(4);
		count.learned(3); // an older read, late: never back
		expect([early.value, count.seen.value]).toEqual([2, 4]);
	});

	it('behind the room’s own decision: the count after it once stored, the count before when it was not', () => {
		const count = new DecisionCount();
		count.loaded(1);
		const before = count.seen;
		const stored = count.begin();
		const behind = count.seen;
		expect(behind.value).toBeNull();
		count.learned(5); // while the decision is in flight, it settles the count itself
		expect(count.seen).toBe(behind);
		stored.stored(1, 2);
		expect([before.value, behind.value]).toEqual([1, 2]);

		const failed = count.begin();
		const behindFailed = count.seen;
		failed.failed();
		expect(behindFailed.value).toBe(2);
	});

	it('behind a decision that found another instance’s decision under its lock: no more than before (refused, re-sent)', () => {
		const count = new DecisionCount();
		count.loaded(1);
		const tally = count.begin();
		const behind = count.seen;
		tally.stored(3, 4); // counted 3 under the lock: two decisions this room had not taken in
		expect(behind.value).toBe(1);
	});

	it('behind two decisions of the room in a row: each settles what came after it', () => {
		const count = new DecisionCount();
		count.loaded(0);
		const first = count.begin();
		const second = count.begin();
		const behind = count.seen;
		first.stored(0, 1);
		second.stored(1, 2);
		expect(behind.value).toBe(2);
	});

	it('take in a decision relayed from another instance only when it is the next one, never behind their own', () => {
		const count = new DecisionCount();
		count.loaded(2);
		count.relayed(4); // number 3 missed: the 'history' notice brings it
		expect(count.seen.value).toBe(2);
		count.relayed(3);
		expect(count.seen.value).toBe(3);
		count.relayed(3);
		expect(count.seen.value).toBe(3);
		const tally = count.begin();
		count.relayed(4); // this room's own decision is being stored: it settles the count
		expect(count.seen.value).toBe(null);
		tally.failed();
		expect(count.seen.value).toBe(3);
	});
});
