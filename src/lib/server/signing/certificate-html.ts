import { certificateView, type CertificateRow } from '$lib/certificate';
import { escapeHtml as e } from '$lib/server/mail';
import type { CompletionCertificate } from '$lib/signing/certificate';

const value = (row: CertificateRow) => (row.kind === 'text' || row.kind === 'long' ? e(row.value) : `<code>${e(row.value)}</code>`);
const table = (rows: CertificateRow[]) =>
	`<table>\n${rows.map((row) => `<tr><th scope="row">${e(row.label)}</th><td>${value(row)}</td></tr>`).join('\n')}\n</table>`;

/** The certificate of completion as one self-contained HTML file, to keep or print. */
export function certificateDocument(c: CompletionCertificate): string {
	const view = certificateView(c);
	const signers = view.signers
		.map(
			(s) => `<section class="signer"><h2>${e(s.heading)}</h2>
<img src="${e(s.signatureImage)}" alt="${e(s.signatureAlt)}" width="300">
${table(s.rows)}</section>`
		)
		.join('\n');
	const events = view.events
		.map(
			(ev) =>
				`<tr><td>${e(ev.when)}</td><td>${e(ev.event)}</td><td>${e(ev.by)}</td>${view.contacts ? `<td>${e(ev.ipAddress)}</td>` : ''}<td>${e(ev.detail)}</td></tr>`
		)
		.join('\n');
	const copies = view.copies.length ? `<h2>Copies sent to</h2><ul>${view.copies.map((r) => `<li>${e(r.label)}</li>`).join('')}</ul>` : '';
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Certificate of completion — ${e(view.title)}</title>
<style>body{font-family:Georgia,serif;color:#1f2933;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;border-bottom:1px solid #d9e2ec;padding:.3rem .5rem;vertical-align:top;font-size:.9rem}
code{word-break:break-all}.signer{border:1px solid #d9e2ec;padding:.5rem 1rem;margin:1rem 0;break-inside:avoid}img{border-bottom:1px solid #52606d}</style></head><body>
<h1>Certificate of completion</h1>
${table(view.facts)}
${signers}
${copies}
<h2>Audit trail</h2>
<table><thead><tr><th>When</th><th>Event</th><th>By</th>${view.contacts ? '<th>IP address</th>' : ''}<th>Detail</th></tr></thead><tbody>
${events}
</tbody></table>
</body></html>`;
}
