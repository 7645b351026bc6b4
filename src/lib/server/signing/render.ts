import { escapeHtml } from '$lib/server/mail';
import { readStoredMou } from '$lib/document';
import { formatTermValue, validateTerm } from '$lib/templates/terms';
import type { DocNode, Template } from '$lib/templates/types';
import { numberDocument, referenceLabel } from '$lib/templates/numbering';
import { printableDocument } from '$lib/templates/print';

/**
 * The agreed text as the signer reads it: the stored Yjs state of the agreed version rendered
 * read-only to HTML on the server, every fill-in term resolved inline. Headings move one level
 * down (the page has its own h1) and carry ids, so a table of contents reaches every part.
 */

export interface RenderedAgreement {
	html: string;
	outline: Array<{ id: string; text: string; level: number }>;
	terms: Record<string, string>;
}

export function renderAgreement(state: Uint8Array, template: Template): RenderedAgreement {
	const agreed = readStoredMou(state);
	const terms = agreed.terms;
	const body = printableDocument(agreed.body, template, terms);
	const numbering = numberDocument(body);
	const byKey = new Map(template.terms.map((t) => [t.key, t]));
	const outline: RenderedAgreement['outline'] = [];
	let headingCount = 0;

	function termText(key: string): string {
		const term = byKey.get(key);
		const value = terms[key]?.trim() ?? '';
		if (!term) return value || `[${key}]`;
		if (!value) return `[${term.label} — not filled in]`;
		return validateTerm(term, value) ? value : formatTermValue(term, value);
	}

	function inline(node: DocNode): string {
		if (node.type === 'text') {
			let html = escapeHtml(node.text ?? '');
			for (const mark of node.marks ?? []) html = wrapMark(mark, html);
			return html;
		}
		if (node.type === 'term') {
			const key = String(node.attrs?.key ?? '');
			return `<span class="term" data-term="${escapeHtml(key)}">${escapeHtml(termText(key))}</span>`;
		}
		if (node.type === 'clauseRef') return escapeHtml(referenceLabel(String(node.attrs?.target ?? ''), numbering));
		if (node.type === 'hardBreak') return '<br>';
		return children(node);
	}

	function children(node: DocNode): string {
		return (node.content ?? []).map((child) => block(child)).join('');
	}

	function heading(level: number, text: string, inner: string): string {
		const id = `agreement-${++headingCount}`;
		const shown = Math.min(6, level + 1);
		outline.push({ id, text, level: shown });
		return `<h${shown} id="${id}">${inner}</h${shown}>`;
	}

	function block(node: DocNode, position = -1): string {
		switch (node.type) {
			case 'doc':
				return (node.content ?? []).map((child, index) => block(child, index)).join('');
			case 'heading': {
				const level = Number(node.attrs?.level ?? 2);
				const number = numbering.sections.get(position);
				const prefix = number === undefined ? '' : `${number}. `;
				return heading(level, prefix + plainText(node, termText), escapeHtml(prefix) + (node.content ?? []).map(inline).join(''));
			}
			case 'paragraph':
				return `<p>${(node.content ?? []).map(inline).join('')}</p>`;
			case 'clause': {
				const number = numbering.byPosition.get(position);
				const title = [number, String(node.attrs?.title ?? '')].filter(Boolean).join(' ');
				const head = title ? heading(3, title, escapeHtml(title)) : '';
				return `<section class="clause">${head}${children(node)}</section>`;
			}
			case 'bulletList':
				return `<ul>${children(node)}</ul>`;
			case 'orderedList':
				return `<ol>${children(node)}</ol>`;
			case 'listItem':
				return `<li>${children(node)}</li>`;
			case 'blockquote':
				return `<blockquote>${children(node)}</blockquote>`;
			case 'codeBlock':
				return `<pre>${escapeHtml(plainText(node, termText))}</pre>`;
			case 'horizontalRule':
				return '<hr>';
			case 'pageBreak':
				return '<hr class="page-break" aria-hidden="true">';
			case 'table':
				return `<div class="table-wrap"><table>${children(node)}</table></div>`;
			case 'tableRow':
				return `<tr>${children(node)}</tr>`;
			case 'tableHeader':
				return `<th scope="col">${children(node)}</th>`;
			case 'tableCell':
				return `<td>${children(node)}</td>`;
			case 'text':
			case 'term':
			case 'clauseRef':
			case 'hardBreak':
				return inline(node);
			default:
				return children(node);
		}
	}

	return { html: block(body), outline, terms };
}

/** The HTML element of each mark. Agreement requires every suggestion settled; should one remain, it is shown, not hidden. */
const MARK_TAGS = new Map(Object.entries({ bold: 'strong', italic: 'em', underline: 'u', strike: 's', code: 'code', insertion: 'ins', deletion: 'del' }));

function wrapMark(mark: { type: string; attrs?: Record<string, unknown> }, html: string): string {
	const tag = MARK_TAGS.get(mark.type);
	return tag ? `<${tag}>${html}</${tag}>` : html;
}

function plainText(node: DocNode, termText: (key: string) => string): string {
	if (node.type === 'text') return node.text ?? '';
	if (node.type === 'term') return termText(String(node.attrs?.key ?? ''));
	if (node.type === 'clauseRef') return String(node.attrs?.target ?? '');
	return (node.content ?? []).map((child) => plainText(child, termText)).join('');
}
