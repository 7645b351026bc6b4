import { browser } from '$app/environment';
import { error } from '@sveltejs/kit';
import { templateKey } from '$lib/templates/key';
import type { ChecklistItem, Template } from '$lib/templates/types';
import type { StateProfile } from '$lib/profiles/types';
import type { PageLoad } from './$types';

interface TemplateData {
	key: string;
	template: Template;
	checklist: ChecklistItem[];
	profile: StateProfile;
}

/**
 * In the browser, once per tab and key (from the first server-rendered answer, or fetched after a
 * client-side navigation): every reload of the page's data (each live notice, each form post)
 * then keeps the very same objects, so nothing derived from them is computed again.
 */
const fetched = new Map<string, Promise<TemplateData>>();

async function fetchTemplate(fetch: typeof globalThis.fetch, mouId: string): Promise<TemplateData> {
	const response = await fetch(`/mous/${mouId}/template`);
	if (!response.ok) error(response.status, 'The MOU’s template could not be loaded; reload the page.');
	return response.json();
}

export const load: PageLoad = async ({ data, fetch }) => {
	const key = templateKey(data.mou);
	const { templateJson, ...rest } = data as typeof data & { templateJson?: string };
	// The first, server-rendered answer carries them: on the server, and for the browser's cache.
	if (templateJson) {
		const sent: TemplateData = JSON.parse(templateJson);
		if (browser && !fetched.has(key)) fetched.set(key, Promise.resolve(sent));
		if (!browser) return { ...rest, template: sent.template, checklist: sent.checklist, profile: sent.profile };
	}
	let loading = fetched.get(key);
	if (!loading) {
		loading = fetchTemplate(fetch, data.mou.id);
		fetched.set(key, loading);
		loading.catch(() => fetched.delete(key));
	}
	const cached = await loading;
	// The state profile changed between the page's data and this answer: ask again next time.
	if (cached.key !== key) fetched.delete(key);
	return { ...rest, template: cached.template, checklist: cached.checklist, profile: cached.profile };
};
