import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { encodeUpdate } from '../../src/lib/server/collab/messages';

describe('the update frame the server broadcasts', () => {
	it('is byte for byte what y-protocols writes, for every length prefix size', () => {
		for (const size of [0, 1, 127, 128, 300, 16_383, 16_384, 70_000, 2_100_000]) {
			const update = new Uint8Array(size).map((_, i) => i % 251);
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			syncProtocol.writeUpdate(encoder, update);
			expect(Buffer.from(encodeUpdate(update)).equals(Buffer.from(encoding.toUint8Array(encoder))), `${size} bytes`).toBe(true);
		}
	});
});
