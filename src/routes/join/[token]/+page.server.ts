import { redirect } from '@sveltejs/kit';
import { failAction } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { requireUser, requireUserForAction } from '$lib/server/auth';
import { acceptPartyInvitation, viewPartyInvitation } from '$lib/server/mous';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const view = await viewPartyInvitation(db.sql, user, params.token);
	if (view.state !== 'valid') return { state: view.state, invitation: null, canAccept: false, reason: null };
	const { invitation } = view;
	return {
		state: view.state,
		invitation: {
			mouTitle: invitation.mouTitle,
			invitedByName: invitation.invitedByName,
			invitingOrganization: invitation.invitingOrganization,
			side: invitation.side
		},
		canAccept: view.canAccept,
		reason: view.reason
	};
};

export const actions: Actions = {
	default: async ({ locals, params }) => {
		const user = requireUserForAction(locals);
		const { db, collab } = await getRuntime();
		const result = await acceptPartyInvitation(db.sql, user, params.token, new Date(), collab);
		if (!result.ok) return failAction(result.error);
		// Both parties are in: negotiation starts, and every edit from now on is a tracked suggestion.
		collab.notify(result.value.mouId, 'status');
		redirect(303, `/mous/${result.value.mouId}`);
	}
};
