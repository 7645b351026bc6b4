import { crc32, deflateSync } from 'node:zlib';

/**
 * A PNG of `width`×`height` with 8-bit samples, as a data URL. `raw` holds the rows as PNG filters
 * them: each a filter byte (0: none) and then its pixels; `colour` is the PNG colour type
 * (0 greyscale, 6 RGBA).
 */
export function pngDataUrlOf(width: number, height: number, colour: 0 | 6, raw: Buffer): string {
	const chunk = (type: string, data: Buffer) => {
		const length = Buffer.alloc(4);
		length.writeUInt32BE(data.length);
		const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(crc32(body) >>> 0);
		return Buffer.concat([length, body, crc]);
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = colour;
	const png = Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw)),
		chunk('IEND', Buffer.alloc(0))
	]);
	return `data:image/png;base64,${png.toString('base64')}`;
}
