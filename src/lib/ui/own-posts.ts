/**
 * This tab's form posts in flight, each settling with whether it ended by reloading the page's
 * data. A live notice that arrives meanwhile need not reload anything itself: the post's reload
 * starts after its answer, so after whatever the notice announces had been stored.
 */
const inFlight = new Set<Promise<boolean>>();

export function trackPost(): (reloaded: boolean) => void {
	let settle!: (reloaded: boolean) => void;
	const post = new Promise<boolean>((resolve) => (settle = resolve));
	inFlight.add(post);
	void post.finally(() => inFlight.delete(post));
	return settle;
}

/** Null when no post is in flight; else whether one of them reloaded the page's data. */
export function ownPostsSettled(): Promise<boolean> | null {
	if (inFlight.size === 0) return null;
	return Promise.all([...inFlight]).then((reloaded) => reloaded.some(Boolean));
}
