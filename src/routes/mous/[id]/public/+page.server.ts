import { error } from '@sveltejs/kit';
import { failAction } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { requireUser, requireUserForAction } from '$lib/server/auth';
import { getMouAccess } from '$lib/server/mous';
import { can } from '$lib/mou/lifecycle';
import { commentsToModerate, moderatePublicComment, publicationStatus, publishMou, unpublishMou } from '$lib/server/publication';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const user = requireUser(locals, url);
	const { db } = await getRuntime();
	const access = await getMouAccess(db.sql, user, params.id);
	if (!access) error(404, 'No such MOU.');
	const [status, comments] = await Promise.all([publicationStatus(db.sql, access.mou.id), commentsToModerate(db.sql, user, access.mou.id)]);
	return {
		mou: access.mou,
		side: access.side,
		status,
		canPublish: access.side === 'district' && can(user, 'publish', access.mou),
		comments
	};
};

async function context(locals: App.Locals) {
	const user = requireUserForAction(locals);
	const { db } = await getRuntime();
	return { user, sql: db.sql };
}

export const actions: Actions = {
	publish: async ({ locals, params }) => {
		const { user, sql } = await context(locals);
		const result = await publishMou(sql, user, params.id);
		if (!result) error(404, 'No such MOU.');
		if (!result.ok) return failAction(result.error, { publishError: result.error.message });
		return { published: result.value.slug };
	},
	unpublish: async ({ locals, params }) => {
		const { user, sql } = await context(locals);
		const result = await unpublishMou(sql, user, params.id);
		if (!result) error(404, 'No such MOU.');
		if (!result.ok) return failAction(result.error, { publishError: result.error.message });
		return { unpublished: true };
	},
	moderate: async ({ locals, params, request }) => {
		const { user, sql } = await context(locals);
		const form = await request.formData();
		const result = await moderatePublicComment(sql, user, params.id, { commentId: form.get('comment'), decision: form.get('decision') });
		if (!result) error(404, 'No such MOU.');
		if (!result.ok) return failAction(result.error, { moderateError: result.error.message });
		return { moderated: true };
	}
};
