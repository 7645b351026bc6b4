import { error } from '@sveltejs/kit';
import { failAction, formErrors } from '$lib/server/respond';
import { getRuntime } from '$lib/server/runtime';
import { loadPublicPage, submitPublicComment, MAX_COMMENT_CHARS } from '$lib/server/publication';
import type { Actions, PageServerLoad } from './$types';

/** Public: the current signed MOU of a published line, for anyone, signed in or not. */
export const load: PageServerLoad = async ({ params, setHeaders }) => {
	const { db } = await getRuntime();
	const page = await loadPublicPage(db.sql, params.slug);
	if (!page) error(404, 'This MOU is not published.');
	setHeaders({ 'cache-control': 'no-store' });
	return { page, maxChars: MAX_COMMENT_CHARS };
};

export const actions: Actions = {
	comment: async ({ params, request, url, getClientAddress }) => {
		const runtime = await getRuntime();
		const form = await request.formData();
		const input = { name: form.get('name'), email: form.get('email'), body: form.get('body') };
		const result = await submitPublicComment({ sql: runtime.db.sql, mailer: runtime.mailer, origin: url.origin }, params.slug, input, getClientAddress());
		if (!result) error(404, 'This MOU is not published.');
		const kept = {
			name: String(input.name ?? '').slice(0, 100),
			email: String(input.email ?? '').slice(0, 254),
			body: String(input.body ?? '').slice(0, MAX_COMMENT_CHARS)
		};
		if (!result.ok) return failAction(result.error, { commentErrors: formErrors(result.error), ...kept });
		return { sentTo: result.value.email };
	}
};
