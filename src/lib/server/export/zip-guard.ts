import { Inflate } from 'fflate';

/**
 * Checks that untrusted bytes are a plausible DOCX without trusting them: the ZIP central
 * directory is read with bounds checks, and the declared entry count, sizes and compression
 * ratios are judged before a single byte is inflated. Only word/document.xml is then inflated,
 * in small steps that stop as soon as it outgrows its declared (capped) size, so a header that
 * lies about the size cannot make it grow or keep the server busy.
 */

export const DOCX_LIMITS = {
	/** Largest upload the verification page takes. */
	maxFileBytes: 10 * 1024 * 1024,
	maxEntries: 1_000,
	maxEntryBytes: 64 * 1024 * 1024,
	maxTotalBytes: 128 * 1024 * 1024,
	/** Deflate gets ~3–10× on XML; anything past this on a large entry is a bomb, not a document. */
	maxRatio: 200,
	ratioAppliesAbove: 1024 * 1024
} as const;

export type DocxCheck = { ok: true; entries: number } | { ok: false; reason: 'not-zip' | 'not-docx' | 'zip-bomb' | 'damaged'; detail: string };

interface Entry {
	name: string;
	method: number;
	flags: number;
	compressedSize: number;
	size: number;
	localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export function inspectDocx(bytes: Uint8Array, limits = DOCX_LIMITS): DocxCheck {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const eocd = findEndOfCentralDirectory(view);
	if (eocd < 0) return { ok: false, reason: 'not-zip', detail: 'The file is not a ZIP package, as every .docx file is.' };
	const count = view.getUint16(eocd + 10, true);
	const cdSize = view.getUint32(eocd + 12, true);
	const cdOffset = view.getUint32(eocd + 16, true);
	if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
		return { ok: false, reason: 'zip-bomb', detail: 'The package uses ZIP64 sizes, which no Word document issued by MOU Studio does.' };
	}
	if (count > limits.maxEntries) {
		return { ok: false, reason: 'zip-bomb', detail: `The package holds ${count.toLocaleString('en-US')} files; a Word document has a few dozen.` };
	}
	if (cdOffset + cdSize > eocd) return { ok: false, reason: 'damaged', detail: 'The package’s table of contents is damaged.' };

	const entries: Entry[] = [];
	let at = cdOffset;
	let total = 0;
	for (let i = 0; i < count; i++) {
		if (at + 46 > eocd || view.getUint32(at, true) !== CENTRAL) {
			return { ok: false, reason: 'damaged', detail: 'The package’s table of contents is damaged.' };
		}
		const nameLength = view.getUint16(at + 28, true);
		const extraLength = view.getUint16(at + 30, true);
		const commentLength = view.getUint16(at + 32, true);
		if (at + 46 + nameLength > eocd) return { ok: false, reason: 'damaged', detail: 'The package’s table of contents is damaged.' };
		const entry: Entry = {
			flags: view.getUint16(at + 8, true),
			method: view.getUint16(at + 10, true),
			compressedSize: view.getUint32(at + 20, true),
			size: view.getUint32(at + 24, true),
			localOffset: view.getUint32(at + 42, true),
			name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength))
		};
		if (entry.size > limits.maxEntryBytes || entry.size === 0xffffffff) {
			return { ok: false, reason: 'zip-bomb', detail: `“${clip(entry.name)}” would unpack to ${megabytes(entry.size)}; that is not a document.` };
		}
		if (entry.size > limits.ratioAppliesAbove && entry.size > entry.compressedSize * limits.maxRatio) {
			return { ok: false, reason: 'zip-bomb', detail: `“${clip(entry.name)}” is compressed more than ${limits.maxRatio}:1, as only zip bombs are.` };
		}
		total += entry.size;
		if (total > limits.maxTotalBytes) {
			return { ok: false, reason: 'zip-bomb', detail: `The package would unpack to more than ${megabytes(limits.maxTotalBytes)}; that is not a document.` };
		}
		entries.push(entry);
		at += 46 + nameLength + extraLength + commentLength;
	}

	const names = new Set(entries.map((e) => e.name));
	if (!names.has('[Content_Types].xml') || !names.has('word/document.xml')) {
		return { ok: false, reason: 'not-docx', detail: 'The file is a ZIP package but not a Word document (it has no word/document.xml).' };
	}
	const main = entries.find((e) => e.name === 'word/document.xml')!;
	const xml = inflateEntry(bytes, view, main, cdOffset);
	if (xml === null) return { ok: false, reason: 'damaged', detail: 'The Word document inside the file is damaged or encrypted.' };
	const head = new TextDecoder().decode(xml.subarray(0, 4096));
	if (!/<w:document[\s>]/.test(head) && !/<(\w+:)?document[^>]*wordprocessingml/.test(head)) {
		return { ok: false, reason: 'not-docx', detail: 'The file’s word/document.xml is not a Word document body.' };
	}
	return { ok: true, entries: entries.length };
}

/** The EOCD record sits in the last 22 bytes plus at most a 64 KB comment. */
function findEndOfCentralDirectory(view: DataView): number {
	const last = view.byteLength - 22;
	const first = Math.max(0, last - 0xffff);
	for (let i = last; i >= first; i--) {
		if (view.getUint32(i, true) === EOCD && i + 22 + view.getUint16(i + 20, true) <= view.byteLength) return i;
	}
	return -1;
}

function inflateEntry(bytes: Uint8Array, view: DataView, entry: Entry, cdOffset: number): Uint8Array | null {
	if (entry.flags & 0x1) return null; // encrypted
	const at = entry.localOffset;
	if (at + 30 > cdOffset || view.getUint32(at, true) !== LOCAL) return null;
	const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
	const end = start + entry.compressedSize;
	if (end > cdOffset) return null;
	const data = bytes.subarray(start, end);
	if (entry.method === 0) return data.length === entry.size ? data : null;
	if (entry.method !== 8) return null;
	const out = new Uint8Array(entry.size);
	let produced = 0;
	const inflater = new Inflate((chunk) => {
		if (produced + chunk.length > out.length) throw new RangeError('larger than declared');
		out.set(chunk, produced);
		produced += chunk.length;
	});
	try {
		for (let i = 0; i < data.length; i += INFLATE_STEP) {
			inflater.push(data.subarray(i, i + INFLATE_STEP), i + INFLATE_STEP >= data.length);
		}
	} catch {
		return null;
	}
	return produced === entry.size ? out : null;
}

/** Input fed to the inflater at a time: at most ~2 MB of output (deflate’s 1032:1 limit) follows from one step. */
const INFLATE_STEP = 2 * 1024;

function megabytes(n: number): string {
	return `${(n / (1024 * 1024)).toLocaleString('en-US', { maximumFractionDigits: 0 })} MB`;
}

function clip(name: string): string {
	return name.length > 60 ? `${name.slice(0, 57)}…` : name;
}
