import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A DOCX as LibreOffice lays it out: converted to PDF in its own profile, then the text and image
 * boxes of every page read with poppler's pdftohtml -xml (positions in PDF points from the page top).
 */

export interface Box {
	page: number;
	top: number;
	left: number;
	width: number;
	height: number;
	text?: string;
}

export function layoutOf(docxPath: string, work: string): { pdf: string; texts: Box[]; images: Box[] } {
	execFileSync('soffice', [`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', work, docxPath], {
		stdio: 'pipe',
		timeout: 110_000
	});
	const pdf = join(
		work,
		docxPath
			.split('/')
			.pop()!
			.replace(/\.docx$/, '.pdf')
	);
	execFileSync('pdftohtml', ['-xml', '-q', '-zoom', '1', pdf, join(work, 'layout')], { stdio: 'pipe' });
	return { pdf, ...boxes(readFileSync(join(work, 'layout.xml'), 'utf8')) };
}

function boxes(xml: string): { texts: Box[]; images: Box[] } {
	const texts: Box[] = [];
	const images: Box[] = [];
	const num = (tag: string, name: string) => Number(new RegExp(`${name}="(-?[\\d.]+)"`).exec(tag)![1]);
	for (const page of xml.matchAll(/<page number="(\d+)"[^>]*>([\s\S]*?)<\/page>/g)) {
		const n = Number(page[1]);
		for (const m of page[2].matchAll(/<image ([^>]*)\/>/g))
			images.push({ page: n, top: num(m[1], 'top'), left: num(m[1], 'left'), width: num(m[1], 'width'), height: num(m[1], 'height') });
		for (const m of page[2].matchAll(/<text ([^>]*)>([\s\S]*?)<\/text>/g)) {
			const text = m[2]
				.replace(/<[^>]+>/g, '')
				.replace(/&amp;/g, '&')
				.replace(/&#34;/g, '"')
				.trim();
			texts.push({ page: n, top: num(m[1], 'top'), left: num(m[1], 'left'), width: num(m[1], 'width'), height: num(m[1], 'height'), text });
		}
	}
	return { texts, images };
}

/**
 * Where one signature block's parts sit: the heading above it, the signer's printed name, and the
 * signature image between them. Problems name what overlaps (empty when the block is clean).
 */
export function signatureBlock(texts: Box[], images: Box[], heading: string, name: string) {
	const problems: string[] = [];
	const head = texts.find((t) => t.text === heading);
	const nameLine = head ? texts.find((t) => t.text === name && t.page === head.page && t.top > head.top) : undefined;
	if (!head || !nameLine) return { problems: [`no "${heading}" with "${name}" below it`], image: null, head, nameLine };
	const image = images.find((i) => i.page === head.page && i.top >= head.top && i.top < nameLine.top) ?? null;
	if (!image) return { problems: [`no signature image between "${heading}" and "${name}"`], image, head, nameLine };
	const above = texts.filter((t) => t.page === image.page && t.top < image.top).sort((a, b) => b.top - a.top)[0];
	if (image.height < 20) problems.push(`the image of ${name} is ${image.height} pt high`);
	if (image.top < head.top + head.height - 0.5) problems.push(`the image of ${name} overlaps "${heading}"`);
	if (above && image.top < above.top + above.height - 0.5) problems.push(`the image of ${name} overlaps the line above it, "${above.text}"`);
	if (image.top + image.height > nameLine.top + 0.5) problems.push(`the image of ${name} runs into the name line below it`);
	return { problems, image, head, nameLine };
}
