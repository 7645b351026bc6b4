/** Plain-text and HTML parts from one description, so every email reads the same way. */
export function composeEmail(parts: { greeting: string; paragraphs: string[]; action?: { label: string; url: string }; footer?: string }) {
	const footer = parts.footer ?? 'MOU Studio — School Resource Officer agreements between agencies and districts.';
	const text = [
		parts.greeting,
		'',
		...parts.paragraphs.flatMap((p) => [p, '']),
		...(parts.action ? [`${parts.action.label}: ${parts.action.url}`, ''] : []),
		'—',
		footer
	].join('\n');
	const html = `<!doctype html><html><body style="font-family:Georgia,serif;color:#1f2933;line-height:1.5;max-width:36rem">
<p>${escapeHtml(parts.greeting)}</p>
${parts.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${parts.action ? `<p><a href="${escapeHtml(parts.action.url)}" style="background:#1d4e89;color:#fff;padding:.5rem 1rem;border-radius:4px;text-decoration:none">${escapeHtml(parts.action.label)}</a></p><p style="font-size:.85rem;color:#52606d">Or open this address: ${escapeHtml(parts.action.url)}</p>` : ''}
<hr style="border:none;border-top:1px solid #d9e2ec"><p style="font-size:.8rem;color:#52606d">${escapeHtml(footer)}</p>
</body></html>`;
	return { text, html };
}

export function escapeHtml(value: string): string {
	return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Text someone typed (an organization's name, an MOU's title, a person's name), for the body of
 * mail that may reach strangers: in quotation marks, on one line, and with anything a mail client
 * would turn into a link broken visibly (`http[:]//evil[.]example`), so that the product's mail
 * never carries a link the sender wrote. Both parts escape it further as they must (HTML).
 */
export function quoted(value: string): string {
	const inert = value
		// Line breaks, control, zero-width and direction-changing characters: nothing that hides or reorders text.
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+/g, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/:\/\//g, '[:]//')
		.replace(/([\p{L}\p{N}_-])[.\u3002\uff0e\uff61](?=\p{L})/gu, '$1[.]')
		.replace(/(\d)\.(?=\d+\.\d+\.\d)/g, '$1[.]');
	return `“${inert}”`;
}
