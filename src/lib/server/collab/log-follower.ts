import type { Sql, Tx } from '../db';
import { loadTailSince } from './persistence';

/**
 * How far one room has read its MOU's update log, so that it can fetch what other instances
 * stored since (after a relay outage, or periodically in case a relayed message was lost).
 * `known` holds seqs past the watermark the room already applied, so they are not re-sent.
 */
export class LogFollower {
	private readonly known = new Set<string>();

	constructor(
		private readonly sql: Sql,
		private readonly mouId: string,
		private watermark: string
	) {}

	/** Rows the room has applied without reading them back (its own writes, relayed updates). */
	markKnown(seqs: readonly string[]): void {
		for (const seq of seqs) this.known.add(seq);
	}

	/** Updates (checkpoint first) stored past the watermark that the room has not applied yet (read in `tx` when given). */
	async fetchNew(tx?: Tx): Promise<Uint8Array[]> {
		const tail = await loadTailSince(tx ?? this.sql, this.mouId, this.watermark, [...this.known]);
		this.advanceTo(tail.watermark);
		return tail.checkpoint ? [tail.checkpoint, ...tail.updates] : tail.updates;
	}

	private advanceTo(watermark: string): void {
		this.watermark = watermark;
		const mark = BigInt(watermark);
		for (const seq of this.known) if (BigInt(seq) <= mark) this.known.delete(seq);
	}
}
