import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUserForAction } from '$lib/server/auth';
import { getMouAccess } from '$lib/server/mous';
import { can } from '$lib/mou/lifecycle';
import { loadCertificate, recordDownload } from '$lib/server/signing';
import { certificateDocument } from '$lib/server/signing';
import type { RequestHandler } from './$types';

/** The certificate as one self-contained HTML file to keep or print; each download is audited, so it is a POST: the button, not a link a scanner or prefetch could follow. */
export const POST: RequestHandler = async ({ locals, params, request, getClientAddress }) => {
	const user = requireUserForAction(locals);
	const { db } = await getRuntime();
	const access = await getMouAccess(db.sql, user, params.id);
	if (!access) error(404, 'No such MOU.');
	// Signers' addresses, IP addresses and browsers only for those who may read signers' contacts, as on the signing page.
	const certificate = await loadCertificate(db.sql, params.id, { contacts: can(user, 'readSignerContacts') });
	if (!certificate) error(404, 'This MOU has not been signed yet.');
	await recordDownload(db.sql, params.id, { name: user.name, email: user.email, party: access.side }, 'Certificate of completion (HTML)', {
		ipAddress: getClientAddress(),
		userAgent: request.headers.get('user-agent') ?? ''
	});
	return new Response(certificateDocument(certificate), {
		headers: {
			'content-type': 'text/html; charset=utf-8',
			'content-disposition': `attachment; filename="certificate-of-completion-${params.id}.html"`,
			'cache-control': 'no-store'
		}
	});
};
