import { Paragraph, TextRun, type FileChild } from 'docx';
import { renderBody, textBlocks } from './docx/blocks';
import { certificateSection } from './docx/certificate';
import { planComments } from './docx/comments';
import { xmlSafe, type Segment } from './docx/inline';
import { packDocx } from './docx/package';
import { executedSignatures, leftovers, signaturePage } from './docx/signatures';
import { formatDay, formatWhen } from '../../dates/format';
import { RenderState } from './docx/state';
import { STYLE } from './docx/styles';
import { longDate, slug, utcTime } from './format';
import type { DocNode } from '../../templates/types';
import { resolveReferences } from '../../templates/numbering';
import { printableDocument } from '../../templates/print';
import type { CleanInput, ExportContext, ExportDocument, RedlineInput, RenderedDocx, SignedInput } from './types';

/** What prints: empty optional blocks left out, cross-references numbered as they stand. */
function printable(document: ExportDocument, context: ExportContext): ExportDocument {
	const body = resolveReferences(printableDocument(document.body, context.printWhen ?? {}, document.terms));
	return { ...document, body };
}

/**
 * The three exported files, from plain data (no database): the redline with tracked changes and
 * shared comments, a clean copy of any version, and the signed MOU with its certificate.
 */

export interface RenderedRedline extends RenderedDocx {
	/** Distinct open suggestions shown as tracked changes (term proposals included). */
	suggestions: number;
	/** w:ins / w:del elements written. */
	revisions: number;
	comments: number;
}

export async function renderRedlineDocx(raw: RedlineInput): Promise<RenderedRedline> {
	const input = { ...raw, document: printable(raw.document, raw) };
	const state = new RenderState('redline', input.document, input);
	const segments = new Map<DocNode, Segment[]>();
	const threads = input.threads.filter((t) => t.comments.length);
	const comments = threads.length ? planComments(threads, textBlocks(input.document.body, state, segments), state) : undefined;
	const body = renderBody(input.document.body, { state, comments, lockNotes: true }, segments);
	const asOf = utcTime(input.generatedAt);
	const summary =
		`Redline of the current draft as of ${asOf}. ${count(state.suggestions.size, 'open suggestion')} from both parties ` +
		`appear as tracked changes, and ${count(comments?.threads ?? 0, 'shared comment thread')} as comments (replies to a suggestion on its change); ` +
		'internal comments are not included. ' +
		'Accepting or rejecting changes in this file does not change the MOU in MOU Studio.';
	const bytes = await packDocx({
		title: input.mouTitle,
		subject: 'Redline of the current draft',
		description: summary,
		keywords: 'MOU; redline; School Resource Officer',
		customProperties: [
			{ name: 'MOU id', value: input.mouId },
			{ name: 'MOU version', value: 'Current draft (redline)' },
			{ name: 'Exported at', value: asOf }
		],
		header: [input.mouTitle, `Redline — current draft as of ${longDate(input.generatedAt)}`],
		comments: comments?.comments,
		trackRevisions: true,
		body: [note(summary), ...body]
	});
	return {
		bytes,
		filename: `${slug(input.mouTitle)}-redline-${input.generatedAt.toISOString().slice(0, 10)}.docx`,
		suggestions: state.suggestions.size,
		revisions: state.revisions,
		comments: comments?.comments.length ?? 0
	};
}

export async function renderCleanDocx(raw: CleanInput): Promise<RenderedDocx> {
	const input = { ...raw, document: printable(raw.document, raw) };
	const state = new RenderState('clean', input.document, input);
	const body = renderBody(input.document.body, { state, lockNotes: false });
	const asOf = utcTime(input.generatedAt);
	const description = input.isDraft
		? `Clean copy of ${input.versionLabel} as of ${asOf}, without markup. Open suggestions are not applied: text proposed for deletion ` +
			'still appears, text proposed for insertion does not, and proposed term values are not used.'
		: `Clean copy of ${input.versionLabel}, the agreed text.`;
	const bytes = await packDocx({
		title: input.mouTitle,
		subject: `Clean copy — ${input.versionLabel}`,
		description,
		keywords: 'MOU; clean copy; School Resource Officer',
		customProperties: [
			{ name: 'MOU id', value: input.mouId },
			{ name: 'MOU version', value: input.versionLabel },
			{ name: 'Exported at', value: asOf }
		],
		header: [input.mouTitle, `${input.versionLabel} — clean copy`],
		body: input.isDraft ? [note(description), ...body] : body
	});
	return { bytes, filename: `${slug(input.mouTitle)}-${slug(input.versionLabel, 'version')}-clean.docx` };
}

export async function renderSignedDocx(raw: SignedInput): Promise<RenderedDocx> {
	const input = { ...raw, document: printable(raw.document, raw) };
	const { certificate } = input;
	const zone = certificate.zone ?? 'UTC';
	const state = new RenderState('clean', { ...input.document, proposals: {} }, input);
	// The signatures go into the template's own signature clauses; a block nobody signed is dropped.
	const executed = executedSignatures(certificate, input.partyNames, input.document.terms);
	let partiesPlaced = false;
	const clauseOverride = (clauseId: string) => {
		if (clauseId === 'signatures.parties') return ((partiesPlaced = true), { prose: true, append: executed.parties });
		if (!clauseId.startsWith('signatures.')) return undefined;
		const other = executed.others.get(clauseId);
		executed.others.delete(clauseId);
		return other ? { prose: false, append: other.blocks } : ('drop' as const);
	};
	const text = renderBody(input.document.body, { state, lockNotes: false, clauseOverride });
	const body: FileChild[] = [
		...text,
		// Signatures whose clause the text no longer has still appear: on a page of their own, or after the text.
		...(partiesPlaced ? leftovers(executed) : signaturePage(executed)),
		...certificateSection(certificate, input.mouTitle, input.partyNames)
	];
	const bytes = await packDocx({
		title: input.mouTitle,
		subject: `Signed MOU — ${certificate.versionLabel}`,
		description:
			`The agreed text of ${input.mouTitle} (${certificate.versionLabel}), signed electronically through MOU Studio and completed ` +
			`${formatWhen(certificate.completedAt, zone)}, with its certificate of completion. Agreed text SHA-256: ${certificate.fingerprint}.`,
		keywords: 'MOU; signed; School Resource Officer',
		customProperties: [
			{ name: 'MOU id', value: certificate.mouId },
			{ name: 'MOU version', value: certificate.versionLabel },
			{ name: 'MOU version id', value: certificate.versionId },
			{ name: 'Agreed text SHA-256', value: certificate.fingerprint },
			{ name: 'Signing request id', value: certificate.requestId },
			{ name: 'Completed at', value: utcTime(certificate.completedAt) },
			{ name: 'Issued by', value: 'MOU Studio' }
		],
		header: [input.mouTitle, `${certificate.versionLabel} — signed ${formatDay(certificate.completedAt, zone)}`],
		footer: `Agreed text SHA-256: ${certificate.fingerprint}`,
		readOnly: true,
		body
	});
	return { bytes, filename: `${slug(input.mouTitle)}-signed.docx` };
}

/** The small grey note at the top of a redline or a clean copy of a draft. */
function note(text: string): Paragraph {
	return new Paragraph({ style: STYLE.note, keepNext: false, children: [new TextRun(xmlSafe(text))] });
}

function count(n: number, noun: string): string {
	return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
