import { formatWhen } from '$lib/dates/format';
import { escapeHtml } from '$lib/server/mail';
import type { CompletionCertificate } from '$lib/signing/certificate';
import { AUDIT_LABEL, PARTY_LABEL } from '$lib/signing/types';

/** The certificate of completion as one self-contained HTML file, to keep or print. */
export function certificateDocument(c: CompletionCertificate): string {
	const e = escapeHtml;
	const when = (iso: string | null) => e(formatWhen(iso, c.zone ?? 'UTC'));
	const signers = c.signers
		.map(
			(s) => `<section class="signer"><h2>${e(s.name)} — ${e(s.title)}</h2>
<img src="${e(s.signatureImage)}" alt="Signature of ${e(s.name)}" width="300">
<table>
<tr><th scope="row">Party</th><td>${e(PARTY_LABEL[s.party])}${s.role === 'attester' ? ' (attestation)' : ''}</td></tr>
<tr><th scope="row">Email</th><td>${e(s.email)}</td></tr>
<tr><th scope="row">Identified by</th><td>${e(s.authentication)}</td></tr>
<tr><th scope="row">IP address</th><td>${e(s.ipAddress)}</td></tr>
<tr><th scope="row">Browser</th><td>${e(s.userAgent)}</td></tr>
<tr><th scope="row">Sent</th><td>${when(s.sentAt)}</td></tr>
<tr><th scope="row">Viewed</th><td>${when(s.viewedAt)}</td></tr>
<tr><th scope="row">Consented to electronic records</th><td>${when(s.consentedAt)}</td></tr>
<tr><th scope="row">Signed</th><td>${when(s.signedAt)} (${e(s.signatureKind)} signature)</td></tr>
</table></section>`
		)
		.join('\n');
	const events = c.events
		.map(
			(ev) =>
				`<tr><td>${when(ev.at)}</td><td>${e(AUDIT_LABEL[ev.kind] ?? ev.kind)}</td><td>${e(ev.actor)}</td><td>${e(ev.ipAddress ?? '')}</td><td>${e(ev.detail ?? '')}</td></tr>`
		)
		.join('\n');
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Certificate of completion — ${e(c.title)}</title>
<style>body{font-family:Georgia,serif;color:#1f2933;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;border-bottom:1px solid #d9e2ec;padding:.3rem .5rem;vertical-align:top;font-size:.9rem}
code{word-break:break-all}.signer{border:1px solid #d9e2ec;padding:.5rem 1rem;margin:1rem 0;break-inside:avoid}img{border-bottom:1px solid #52606d}</style></head><body>
<h1>Certificate of completion</h1>
<table>
<tr><th scope="row">Document</th><td>${e(c.title)}</td></tr>
<tr><th scope="row">Document ID</th><td><code>${e(c.mouId)}</code></td></tr>
<tr><th scope="row">Signed version</th><td>${e(c.versionLabel)} (<code>${e(c.versionId)}</code>)</td></tr>
<tr><th scope="row">Agreed text fingerprint (SHA-256)</th><td><code>${e(c.fingerprint)}</code></td></tr>
${c.signedFile ? `<tr><th scope="row">Signed DOCX file (SHA-256, as sha256sum prints it)</th><td><code>${e(c.signedFile.sha256)}</code></td></tr>` : ''}
<tr><th scope="row">Signing request</th><td><code>${e(c.requestId)}</code>, sent ${when(c.sentAt)}</td></tr>
<tr><th scope="row">Completed</th><td>${when(c.completedAt)}</td></tr>
<tr><th scope="row">Effective date</th><td>${e(c.effectiveDate)}</td></tr>
<tr><th scope="row">Next review due</th><td>${e(c.nextReviewDate)}</td></tr>
</table>
${signers}
${c.copyRecipients.length ? `<h2>Copies sent to</h2><ul>${c.copyRecipients.map((r) => `<li>${e(r.name)} &lt;${e(r.email)}&gt;</li>`).join('')}</ul>` : ''}
<h2>Audit trail</h2>
<table><thead><tr><th>When (UTC)</th><th>Event</th><th>By</th><th>IP address</th><th>Detail</th></tr></thead><tbody>
${events}
</tbody></table>
</body></html>`;
}
