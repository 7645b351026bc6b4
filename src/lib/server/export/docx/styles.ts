import { AlignmentType, LevelFormat, LevelSuffix, type INumberingOptions, type IStylesOptions } from 'docx';

/**
 * The house style of every exported MOU: a plain legal layout counsel would not need to
 * reformat — a serif body at 12 pt, one-inch margins on US Letter, bold numbered headings, and
 * Word's own list numbering so lists keep numbering themselves when a lawyer edits the file.
 */

export const BODY_FONT = 'Times New Roman';
export const MONO_FONT = 'Courier New';
/** Half-points, as Word counts font sizes. */
export const BODY_SIZE = 24;
export const SMALL_SIZE = 18;

/** Twips (1/1440 inch). */
export const INCH = 1440;
export const PAGE = {
	size: { width: 12_240, height: 15_840 },
	margin: { top: INCH, right: INCH, bottom: INCH, left: INCH, header: 720, footer: 720 }
} as const;
/** The width between the margins: 6.5 inches. */
export const TEXT_WIDTH = PAGE.size.width - PAGE.margin.left - PAGE.margin.right;

export const STYLE = {
	title: 'MouTitle',
	section: 'MouSection',
	clause: 'MouClause',
	heading: 'MouHeading',
	body: 'MouBody',
	note: 'MouNote',
	cell: 'MouCell',
	cellHeader: 'MouCellHeader',
	quote: 'MouQuote',
	code: 'MouCode'
} as const;

export const GREY = '595959';

export const styles: IStylesOptions = {
	default: {
		document: {
			run: { font: BODY_FONT, size: BODY_SIZE },
			paragraph: { spacing: { after: 120, line: 264 } }
		},
		hyperlink: { run: { color: '1F4E79', underline: {} } }
	},
	paragraphStyles: [
		{
			id: STYLE.title,
			name: 'MOU Title',
			basedOn: 'Normal',
			next: STYLE.body,
			quickFormat: true,
			run: { bold: true, size: 32 },
			paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 0, after: 360 }, keepNext: true, outlineLevel: 0 }
		},
		{
			id: STYLE.section,
			name: 'MOU Section Heading',
			basedOn: 'Normal',
			next: STYLE.body,
			quickFormat: true,
			run: { bold: true, size: 26, allCaps: true },
			paragraph: { spacing: { before: 360, after: 120 }, keepNext: true, keepLines: true, outlineLevel: 0 }
		},
		{
			id: STYLE.clause,
			name: 'MOU Clause Heading',
			basedOn: 'Normal',
			next: STYLE.body,
			quickFormat: true,
			run: { bold: true },
			paragraph: { spacing: { before: 240, after: 80 }, keepNext: true, keepLines: true, outlineLevel: 1 }
		},
		{
			id: STYLE.heading,
			name: 'MOU Subheading',
			basedOn: 'Normal',
			next: STYLE.body,
			run: { bold: true, italics: true },
			paragraph: { spacing: { before: 200, after: 80 }, keepNext: true, outlineLevel: 2 }
		},
		{
			id: STYLE.body,
			name: 'MOU Body',
			basedOn: 'Normal',
			quickFormat: true,
			paragraph: { alignment: AlignmentType.JUSTIFIED, spacing: { after: 120 } }
		},
		{
			id: STYLE.note,
			name: 'MOU Note',
			basedOn: 'Normal',
			run: { italics: true, size: SMALL_SIZE, color: GREY },
			paragraph: { spacing: { after: 80 }, keepNext: true }
		},
		{
			id: STYLE.cell,
			name: 'MOU Table Text',
			basedOn: 'Normal',
			run: { size: 22 },
			paragraph: { spacing: { before: 40, after: 40, line: 240 } }
		},
		{
			id: STYLE.cellHeader,
			name: 'MOU Table Header',
			basedOn: STYLE.cell,
			run: { bold: true },
			paragraph: { keepNext: true }
		},
		{
			id: STYLE.quote,
			name: 'MOU Quotation',
			basedOn: STYLE.body,
			paragraph: { indent: { left: 720, right: 720 } }
		},
		{
			id: STYLE.code,
			name: 'MOU Code',
			basedOn: 'Normal',
			run: { font: MONO_FONT, size: 20 },
			paragraph: { spacing: { after: 0, line: 240 } }
		}
	]
};

export const BULLETS = 'mou-bullets';
export const ORDERED = 'mou-ordered';
const BULLET_GLYPHS = ['•', '◦', '▪', '•', '◦', '▪'];
const ORDERED_FORMATS = [
	{ format: LevelFormat.DECIMAL, text: (n: number) => `%${n}.` },
	{ format: LevelFormat.LOWER_LETTER, text: (n: number) => `(%${n})` },
	{ format: LevelFormat.LOWER_ROMAN, text: (n: number) => `(%${n})` },
	{ format: LevelFormat.DECIMAL, text: (n: number) => `%${n}.` },
	{ format: LevelFormat.LOWER_LETTER, text: (n: number) => `(%${n})` },
	{ format: LevelFormat.LOWER_ROMAN, text: (n: number) => `(%${n})` }
];
/** Deepest list nesting Word numbering covers here; deeper items stay at this level. */
export const MAX_LIST_LEVEL = BULLET_GLYPHS.length - 1;

const indent = (level: number) => ({ paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } });

/** Word numbering of section ("3.") and clause ("3.2") headings: numbers Word keeps itself. */
export const OUTLINE = 'mou-outline';

const outlineLevel = (level: number, text: string) => ({
	level,
	format: LevelFormat.DECIMAL,
	text,
	alignment: AlignmentType.LEFT,
	suffix: LevelSuffix.TAB,
	style: { paragraph: { indent: { left: 720, hanging: 720 } } }
});

export const numbering: INumberingOptions = {
	config: [
		{ reference: OUTLINE, levels: [outlineLevel(0, '%1.'), outlineLevel(1, '%1.%2')] },
		{
			reference: BULLETS,
			levels: BULLET_GLYPHS.map((glyph, level) => ({
				level,
				format: LevelFormat.BULLET,
				text: glyph,
				alignment: AlignmentType.LEFT,
				style: indent(level)
			}))
		},
		{
			reference: ORDERED,
			levels: ORDERED_FORMATS.map(({ format, text }, level) => ({
				level,
				format,
				text: text(level + 1),
				alignment: AlignmentType.LEFT,
				style: indent(level)
			}))
		}
	]
};
