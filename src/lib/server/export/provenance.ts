import { strFromU8 } from 'fflate';
import { DOMParser } from '@xmldom/xmldom';

/**
 * What an uploaded DOCX says about itself — the MOU id, version and signing request our exports
 * write into its custom properties, and its title. Claims only: anyone can write them, so the
 * verification page trusts them only as far as the digital signature or the database confirms.
 */

export interface FileClaims {
	mouId: string | null;
	title: string | null;
	versionLabel: string | null;
	/** Only the signed DOCX has one. */
	signingRequestId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function fileClaims(parts: Map<string, Uint8Array>): FileClaims {
	const custom = readXml(parts.get('docProps/custom.xml'));
	const property = (name: string): string | null => {
		const list = custom?.getElementsByTagName('property');
		for (let i = 0; list && i < list.length; i++) {
			const el = list.item(i)!;
			if (el.getAttribute('name') === name) return el.textContent?.trim() || null;
		}
		return null;
	};
	const core = readXml(parts.get('docProps/core.xml'));
	const title = core?.getElementsByTagNameNS('http://purl.org/dc/elements/1.1/', 'title').item(0)?.textContent?.trim() || null;
	const mouId = property('MOU id');
	const requestId = property('Signing request id');
	return {
		mouId: mouId && UUID.test(mouId) ? mouId.toLowerCase() : null,
		title: title ? title.slice(0, 300) : null,
		versionLabel: property('MOU version')?.slice(0, 200) ?? null,
		signingRequestId: requestId && UUID.test(requestId) ? requestId.toLowerCase() : null
	};
}

/** The MOU id a seal's stated purpose names (the signed DOCX's SignatureComments). */
export function mouIdInPurpose(purpose: string | null): string | null {
	const match = /\(MOU ([0-9a-f-]{36})\)/i.exec(purpose ?? '');
	return match && UUID.test(match[1]) ? match[1].toLowerCase() : null;
}

function readXml(bytes: Uint8Array | undefined): Document | null {
	if (!bytes || bytes.length > 1024 * 1024) return null;
	let failed = false;
	const doc = new DOMParser({ errorHandler: { warning: () => {}, error: () => void (failed = true), fatalError: () => void (failed = true) } }).parseFromString(
		strFromU8(bytes),
		'application/xml'
	);
	return failed || !doc?.documentElement ? null : (doc as unknown as Document);
}
