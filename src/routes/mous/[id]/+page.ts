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
 * In the browser, once per tab and key: every reload of the page's data (each live notice, each
 * form post) then keeps the very same objects, so nothing derived from them is computed again.
 */
const fetched = new Map<string, Promise<TemplateData>>();

async function fetchTemplate(fetch: typeof globalThis.fetch, mouId: string): Promise<TemplateData> {
	const response = await fetch(`/mous/${mouId}/template`);
	if (!response.ok) error(response.status, 'The MOU’s template could not be loaded; reload the page.');
	return response.json();
}

export const load: PageLoad = async ({ data, fetch }) => {
	const key = templateKey(data.mou);
	// On the server, always fetched: SvelteKit puts the answer in the page for the browser's first run.
	let loading = browser ? fetched.get(key) : undefined;
	if (!loading) {
		loading = fetchTemplate(fetch, data.mou.id);
		if (browser) {
			fetched.set(key, loading);
			loading.catch(() => fetched.delete(key));
		}
	}
	const { key: served, template, checklist, profile } = await loading;
	// The state profile changed between the page's data and this answer: ask again next time.
	if (served !== key) fetched.delete(key);
	return { ...data, template, checklist, profile };
};
