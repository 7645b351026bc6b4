import { getRuntime } from '$lib/server/runtime';
import { failRequest } from '$lib/server/respond';
import { requireUserForAction } from '$lib/server/auth';
import { docxResponse, downloadSignedDocx } from '$lib/server/export';
import { loadCertificate, recordDownload } from '$lib/server/signing';
import type { RequestHandler } from './$types';

/** A POST (the export page's button): the audit trail's "downloaded" is a person's click, never a link followed by a scanner or prefetch. */
export const POST: RequestHandler = async ({ locals, params, request, getClientAddress }) => {
	const user = requireUserForAction(locals);
	const { db } = await getRuntime();
	const result = await downloadSignedDocx(
		{
			sql: db.sql,
			loadCertificate,
			// Every download of the signed MOU is in its audit trail: who, from where, which file.
			recordDownload: (sql, entry) =>
				recordDownload(
					sql,
					entry.mouId,
					{ name: entry.user.name, email: entry.user.email, party: entry.user.organizationKind },
					`signed MOU (DOCX, SHA-256 ${entry.sha256})`,
					{ ipAddress: entry.ipAddress ?? '', userAgent: entry.userAgent ?? '' }
				)
		},
		user,
		params.id,
		{ ipAddress: getClientAddress(), userAgent: request.headers.get('user-agent') }
	);
	if (!result.ok) failRequest(result.error);
	return docxResponse(result.value);
};
