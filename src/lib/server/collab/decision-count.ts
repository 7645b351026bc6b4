import type { Tx } from '../db';

/**
 * How many of its MOU's decisions (`mous.decisions`, migration 0016) a room had taken in — their
 * text change in its document and their ids closed — when it admitted an update. Every stored row
 * carries it (mou_updates.decisions_seen), and the database refuses a row that saw fewer than are
 * counted (SQLSTATE MOU02): it was checked against a document without a decision made since on
 * another instance, so it could land inside text that decision accepted. `value` is null only for
 * what is admitted behind this room's own decision while it is being stored (settled right after).
 */
export interface DecisionsSeen {
	readonly value: number | null;
}

/**
 * A decision's part in the write pipeline: run first in its transaction, under the MOU's row lock,
 * with the count found there (lockForDecision). It catches the room up with what other instances
 * stored and re-checks the decision on that document; it throws to refuse it (nothing is stored).
 */
export type DecisionUnderLock = (tx: Tx, counted: number, seen: DecisionsSeen) => Promise<void>;

/** One room's count, handed to each update it admits (write-pipeline.ts). */
export class DecisionCount {
	private current: { value: number | null } = { value: null };

	/** What an update admitted now has seen. */
	get seen(): DecisionsSeen {
		return this.current;
	}

	/** The room loaded: `count` was read before its document and decided ids (loadDecisions). */
	loaded(count: number): void {
		this.current = { value: count };
	}

	/**
	 * Another instance's decisions, up to `count`, are in the document and their ids closed (read
	 * before the document caught up with the log). Not while this room's own decision is being
	 * stored: that one settles the count itself.
	 */
	learned(count: number): void {
		if (this.current.value !== null && count > this.current.value) this.current = { value: count };
	}

	/**
	 * Decision number `count`, made on another instance, is in the document and its ids closed
	 * (relayed with its update, room-peers.ts): taken in only when this room had seen every
	 * decision before it, and not while its own decision is being stored.
	 */
	relayed(count: number): void {
		if (this.current.value === count - 1) this.current = { value: count };
	}

	/** This room's decision is admitted: what is admitted after it builds on it. */
	begin(): DecisionTally {
		const before = this.current;
		this.current = { value: null };
		return new DecisionTally(before, this.current);
	}
}

/** Settles what was admitted behind a decision once the decision is stored (or not). */
export class DecisionTally {
	constructor(
		readonly before: DecisionsSeen,
		private readonly after: { value: number | null }
	) {}

	/**
	 * Stored: the count was `counted` under its lock and is `now` after it. When this room had
	 * seen every decision before it, what came after has seen `now`; otherwise (another instance
	 * decided meanwhile) no more than before, which the database refuses (their senders send it again).
	 */
	stored(counted: number, now: number): void {
		this.after.value = counted === this.before.value ? now : this.before.value;
	}

	/** Not stored: what came after has seen what came before. */
	failed(): void {
		this.after.value = this.before.value;
	}
}
