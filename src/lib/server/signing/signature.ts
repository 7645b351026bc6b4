import { inflateSync } from 'node:zlib';

/**
 * An adopted signature arrives as a PNG data URL (drawn on a canvas, or a typed name rendered on
 * one). Only a small, well-formed PNG with some ink on it is kept: the header, every chunk's CRC,
 * the size and the pixels are checked, so nothing else can be stored and shown as a signature.
 */

export const MAX_SIGNATURE_CHARS = 300_000;
export const MAX_WIDTH = 1600;
export const MAX_HEIGHT = 600;
const PREFIX = 'data:image/png;base64,';
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Pixels that must carry ink: a stray click is not a signature. */
const MIN_INK_PIXELS = 30;

export type SignatureCheck = { ok: true; dataUrl: string; width: number; height: number } | { ok: false; message: string };

export function checkSignatureImage(value: unknown): SignatureCheck {
	const refuse = (message: string) => ({ ok: false as const, message });
	if (typeof value !== 'string' || !value) return refuse('Draw or type your signature first.');
	if (value.length > MAX_SIGNATURE_CHARS) return refuse('The signature image is too large. Clear it and draw it again.');
	if (!value.startsWith(PREFIX)) return refuse('The signature must be a PNG image.');
	const base64 = value.slice(PREFIX.length);
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) return refuse('The signature image is damaged. Clear it and draw it again.');
	const bytes = Buffer.from(base64, 'base64');
	const parsed = parsePng(bytes);
	if (typeof parsed === 'string') return refuse(parsed);
	if (parsed.inkPixels < MIN_INK_PIXELS) return refuse('The signature is empty. Draw or type your signature.');
	return { ok: true, dataUrl: value, width: parsed.width, height: parsed.height };
}

interface ParsedPng {
	width: number;
	height: number;
	inkPixels: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function parsePng(bytes: Buffer): ParsedPng | string {
	const damaged = 'The signature image is damaged. Clear it and draw it again.';
	if (bytes.length < 8 + 25 + 12 || PNG_MAGIC.some((b, i) => bytes[i] !== b)) return 'The signature must be a PNG image.';
	let offset = 8;
	let header: { width: number; height: number; depth: number; colorType: number; interlace: number } | null = null;
	const data: Buffer[] = [];
	let ended = false;
	while (offset + 12 <= bytes.length) {
		const length = bytes.readUInt32BE(offset);
		const type = bytes.toString('latin1', offset + 4, offset + 8);
		if (offset + 12 + length > bytes.length) return damaged;
		const body = bytes.subarray(offset + 8, offset + 8 + length);
		if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== bytes.readUInt32BE(offset + 8 + length)) return damaged;
		if (!header && type !== 'IHDR') return damaged;
		if (type === 'IHDR') {
			if (header || length !== 13) return damaged;
			header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), depth: body[8], colorType: body[9], interlace: body[12] };
			if (header.width < 1 || header.height < 1) return damaged;
			if (header.width > MAX_WIDTH || header.height > MAX_HEIGHT) {
				return `The signature image is too large (at most ${MAX_WIDTH} × ${MAX_HEIGHT} pixels).`;
			}
		} else if (type === 'IDAT') {
			data.push(body);
		} else if (type === 'IEND') {
			ended = true;
			offset += 12 + length;
			break;
		}
		offset += 12 + length;
	}
	if (!header || !ended || offset !== bytes.length || data.length === 0) return damaged;
	const channels = CHANNELS[header.colorType];
	if (header.depth !== 8 || !channels || header.interlace !== 0) {
		return 'The signature image must be an 8-bit PNG without a palette, as browsers draw it.';
	}
	const stride = header.width * channels;
	let raw: Buffer;
	try {
		raw = inflateSync(Buffer.concat(data), { maxOutputLength: (stride + 1) * header.height + 1 });
	} catch {
		return damaged;
	}
	if (raw.length !== (stride + 1) * header.height) return damaged;
	const pixels = unfilter(raw, stride, channels, header.height);
	if (!pixels) return damaged;
	return { width: header.width, height: header.height, inkPixels: countInk(pixels, channels) };
}

/** Undoes PNG's per-row filters (None, Sub, Up, Average, Paeth). */
function unfilter(raw: Buffer, stride: number, bpp: number, height: number): Buffer | null {
	const out = Buffer.alloc(stride * height);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)];
		const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
		const row = y * stride;
		const prev = y > 0 ? row - stride : -1;
		for (let x = 0; x < stride; x++) {
			const a = x >= bpp ? out[row + x - bpp] : 0;
			const b = prev >= 0 ? out[prev + x] : 0;
			const c = prev >= 0 && x >= bpp ? out[prev + x - bpp] : 0;
			let value: number;
			switch (filter) {
				case 0:
					value = line[x];
					break;
				case 1:
					value = line[x] + a;
					break;
				case 2:
					value = line[x] + b;
					break;
				case 3:
					value = line[x] + ((a + b) >> 1);
					break;
				case 4:
					value = line[x] + paeth(a, b, c);
					break;
				default:
					return null;
			}
			out[row + x] = value & 0xff;
		}
	}
	return out;
}

function paeth(a: number, b: number, c: number) {
	const p = a + b - c;
	const pa = Math.abs(p - a);
	const pb = Math.abs(p - b);
	const pc = Math.abs(p - c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Visible, darker-than-paper pixels. */
function countInk(pixels: Buffer, channels: number): number {
	let ink = 0;
	for (let i = 0; i < pixels.length; i += channels) {
		const alpha = channels === 4 ? pixels[i + 3] : channels === 2 ? pixels[i + 1] : 255;
		const light = channels >= 3 ? (pixels[i] + pixels[i + 1] + pixels[i + 2]) / 3 : pixels[i];
		if (alpha > 64 && light < 200) ink++;
	}
	return ink;
}

const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

function crc32(bytes: Uint8Array): number {
	let crc = 0xffffffff;
	for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}
