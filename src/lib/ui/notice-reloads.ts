import { ownPostsSettled } from './own-posts';

export interface Reloaders {
	/** Everything on the page (a status change can change all of it). */
	all(): Promise<void>;
	/** The page's own data, which every topic but status names. */
	page(topic: string): Promise<void>;
}

/**
 * Reloads the page's data for live notices, one reload at a time. Notices that arrive together
 * (an agreement sends "history" then "status") make one reload; a notice during a reload gets one
 * more after it (the running one may have read before the change); while this tab's own form post
 * is in flight, the reload that post makes after its answer covers them. The returned promise
 * settles when data at least as new as the notice is on the page (the editor waits for it).
 */
export function noticeReloads(reload: Reloaders, gatherMs = 15): (topic: string) => Promise<void> {
	let topics = new Set<string>();
	let running: Promise<void> | null = null;
	let queued: Promise<void> | null = null;

	async function run(): Promise<void> {
		await new Promise((resolve) => setTimeout(resolve, gatherMs));
		const wanted = topics;
		topics = new Set();
		queued = null;
		const posts = ownPostsSettled();
		if (posts && (await posts)) return;
		if (wanted.has('status')) await reload.all();
		else await reload.page([...wanted][0]);
	}

	return function onNotice(topic) {
		topics.add(topic);
		if (queued) return queued;
		const previous = running?.catch(() => {}) ?? Promise.resolve();
		const next: Promise<void> = previous.then(() => {
			const current = run();
			running = current;
			void current
				.catch(() => {})
				.finally(() => {
					if (running === current) running = null;
				});
			return current;
		});
		queued = next;
		return next;
	};
}
