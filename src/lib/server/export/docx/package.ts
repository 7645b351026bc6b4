import { AlignmentType, Document, DocumentProtectionType, FileChild, Footer, Header, Packer, PageNumber, Paragraph, TextRun, type ICommentOptions } from 'docx';
import { xmlSafe } from './inline';
import { GREY, PAGE, SMALL_SIZE, numbering, styles } from './styles';

/** One DOCX file: the house style, a running header and footer, properties, and the body. */
export interface PackageOptions {
	title: string;
	subject: string;
	description: string;
	keywords?: string;
	/** Shown in Word under File › Info › Properties › Custom. */
	customProperties?: { name: string; value: string }[];
	/** Lines of the running header, small and grey, on every page. */
	header: string[];
	/** A line of the footer above "Page N of M". */
	footer?: string;
	comments?: ICommentOptions[];
	/** New edits made in Word are tracked too (the redline). */
	trackRevisions?: boolean;
	/** Word opens the file read-only (the signed MOU). */
	readOnly?: boolean;
	body: FileChild[];
}

const small = (text: string) => new TextRun({ text: xmlSafe(text), size: SMALL_SIZE, color: GREY });

export async function packDocx(options: PackageOptions): Promise<Uint8Array> {
	const document = new Document({
		creator: 'MOU Studio',
		lastModifiedBy: 'MOU Studio',
		title: xmlSafe(options.title),
		subject: xmlSafe(options.subject),
		description: xmlSafe(options.description),
		keywords: options.keywords,
		customProperties: options.customProperties?.map((p) => ({ name: p.name, value: xmlSafe(p.value) })),
		styles,
		numbering,
		comments: options.comments?.length ? { children: options.comments } : undefined,
		features: options.trackRevisions ? { trackRevisions: true } : undefined,
		protection: options.readOnly ? { type: DocumentProtectionType.READ_ONLY } : undefined,
		sections: [
			{
				properties: { page: { size: PAGE.size, margin: PAGE.margin } },
				headers: {
					default: new Header({
						children: options.header.map((line) => new Paragraph({ alignment: AlignmentType.RIGHT, spacing: { after: 0 }, children: [small(line)] }))
					})
				},
				footers: {
					default: new Footer({
						children: [
							...(options.footer ? [new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 0 }, children: [small(options.footer)] })] : []),
							new Paragraph({
								alignment: AlignmentType.CENTER,
								spacing: { after: 0 },
								children: [new TextRun({ size: SMALL_SIZE, color: GREY, children: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES] })]
							})
						]
					})
				},
				children: options.body.length ? options.body : [new Paragraph({})]
			}
		]
	});
	return new Uint8Array(await Packer.toBuffer(document));
}
