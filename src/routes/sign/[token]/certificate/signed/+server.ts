import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { docxResponse, issueSignedDocx } from '$lib/server/export';
import { loadCertificate, loadCertificateByToken, recordDownload } from '$lib/server/signing';
import type { RequestHandler } from './$types';

/**
 * The signed DOCX for a signer or copy recipient, through their personal link (the completion
 * email's, or the signer's own once everyone has signed). A POST, like counsel's: every download
 * is in the audit trail under the holder's name, so only a click may cause one.
 */
export const POST: RequestHandler = async ({ params, request, getClientAddress }) => {
	const { db } = await getRuntime();
	const found = await loadCertificateByToken(db.sql, params.token);
	if (!found) error(404, 'This link is not valid or has expired. Ask the parties for a copy.');
	const mouId = found.certificate.mouId;
	const file = await issueSignedDocx({ sql: db.sql, loadCertificate }, mouId);
	const holder = found.holder ?? { name: 'Link holder', email: null, party: null };
	await recordDownload(db.sql, mouId, holder, `signed MOU (DOCX, SHA-256 ${file.sha256})`, {
		ipAddress: getClientAddress(),
		userAgent: request.headers.get('user-agent') ?? ''
	});
	return docxResponse(file);
};
