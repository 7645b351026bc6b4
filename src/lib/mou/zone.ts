import { pickZone } from '../dates/format';

/**
 * The zone an MOU's dates are read in: the district's (the SRO program runs on its calendar),
 * else — before a district has joined — the reader's own organization's.
 */
export function mouZone(parties: ReadonlyArray<{ side: string; timeZone?: string }>, readerZone?: string): string {
	return pickZone(parties.find((p) => p.side === 'district')?.timeZone, readerZone);
}
