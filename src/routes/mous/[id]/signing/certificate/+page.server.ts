import { error } from '@sveltejs/kit';
import { getRuntime } from '$lib/server/runtime';
import { requireUser } from '$lib/server/auth';
import { getMouAccess } from '$lib/server/mous';
import { can } from '$lib/mou/lifecycle';
import { loadCertificate } from '$lib/server/signing';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const access = await getMouAccess(db.sql, user, params.id);
	if (!access) error(404, 'No such MOU.');
	// Signers' addresses, IP addresses and browsers only for those who may read signers' contacts, as on the signing page.
	const contacts = can(user, 'readSignerContacts');
	const certificate = await loadCertificate(db.sql, params.id, { contacts });
	if (!certificate) error(404, 'This MOU has not been signed yet, so it has no certificate of completion.');
	return { certificate, contacts, downloadHref: `/mous/${params.id}/signing/certificate/download` };
};
