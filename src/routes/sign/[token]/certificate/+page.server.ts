import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { loadCertificateByToken } from '$lib/server/signing';
import type { PageServerLoad } from './$types';

/** The certificate for a signer or copy recipient, through the personal link in the completion email. */
export const load: PageServerLoad = async ({ params }) => {
	const { db } = await getRuntime();
	const found = await loadCertificateByToken(db.sql, params.token);
	if (!found) error(404, 'This certificate link is not valid or has expired. Ask the parties for a copy.');
	return { certificate: found.certificate, holder: found.holder, token: params.token, zone: found.certificate.zone };
};
