import { failAction, formErrors } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { requireUser, requireUserForAction } from '$lib/server/auth';
import { findOrganization, inviteMember, listMembers, listPendingInvitations } from '$lib/server/orgs';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const [organization, members, invitations] = await Promise.all([
		findOrganization(db.sql, user.organizationId),
		listMembers(db.sql, user.organizationId),
		user.isAdmin ? listPendingInvitations(db.sql, user.organizationId) : Promise.resolve([])
	]);
	return { organization, members, invitations, isAdmin: user.isAdmin };
};

export const actions: Actions = {
	invite: async ({ locals, request, url }) => {
		const user = requireUserForAction(locals);
		const { db, mailer, config } = await getRuntime();
		const form = await request.formData();
		const result = await inviteMember({ sql: db.sql, mailer, origin: url.origin }, user, {
			email: form.get('email'),
			role: form.get('role'),
			isAdmin: form.get('isAdmin')
		});
		if (!result.ok) {
			// What was typed comes back: the address, the role and the administrator box.
			const typed = { email: String(form.get('email') ?? ''), role: String(form.get('role') ?? ''), isAdmin: form.get('isAdmin') === 'on' };
			return failAction(result.error, { errors: formErrors(result.error), ...typed });
		}
		// Without a mail server the invitation reaches nobody: the administrator hands the link over.
		return { invited: result.value.email, link: config.smtpUrl ? null : result.value.link };
	}
};
