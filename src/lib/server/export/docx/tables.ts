import { Paragraph, ShadingType, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { xmlSafe } from './inline';
import { STYLE, TEXT_WIDTH } from './styles';

/** Small bordered tables for the signature page and the certificate. */

const cellMargins = { top: 40, bottom: 40, left: 100, right: 100 };

function cell(text: string, width: number, options: { bold?: boolean; shaded?: boolean } = {}): TableCell {
	return new TableCell({
		width: { size: width, type: WidthType.DXA },
		margins: cellMargins,
		shading: options.shaded ? { type: ShadingType.CLEAR, fill: 'F2F2F2', color: 'auto' } : undefined,
		children: xmlSafe(text)
			.split('\n')
			.map((line) => new Paragraph({ style: STYLE.cell, children: [new TextRun({ text: line, bold: options.bold })] }))
	});
}

/** Label | value rows, labels shaded: the certificate's facts. */
export function keyValueTable(rows: readonly (readonly [string, string])[]): Table {
	const label = Math.round(TEXT_WIDTH * 0.32);
	const value = TEXT_WIDTH - label;
	return new Table({
		width: { size: TEXT_WIDTH, type: WidthType.DXA },
		columnWidths: [label, value],
		rows: rows.map(([key, text]) => new TableRow({ cantSplit: true, children: [cell(key, label, { bold: true, shaded: true }), cell(text, value)] }))
	});
}

/** A table with a header row repeated on every page: the audit trail. */
export function gridTable(header: readonly string[], rows: readonly (readonly string[])[], weights: readonly number[]): Table {
	const total = weights.reduce((a, b) => a + b, 0);
	const widths = weights.map((w) => Math.floor((TEXT_WIDTH * w) / total));
	return new Table({
		width: { size: TEXT_WIDTH, type: WidthType.DXA },
		columnWidths: widths,
		rows: [
			new TableRow({ tableHeader: true, cantSplit: true, children: header.map((h, i) => cell(h, widths[i], { bold: true, shaded: true })) }),
			...rows.map((row) => new TableRow({ cantSplit: true, children: row.map((text, i) => cell(text, widths[i])) }))
		]
	});
}
