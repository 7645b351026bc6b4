/**
 * Tells the server when the person leaves an MOU's page — a visible page closed, navigated away
 * from, or hidden — so that "since your last visit" starts from there. A beacon: it outlives the
 * page. Returns the cleanup for an effect (leaving by in-app navigation reports too).
 */
export function reportLeaving(mouId: string): () => void {
	let reported = false;
	const report = () => {
		if (reported) return;
		reported = true;
		navigator.sendBeacon(`/mous/${mouId}/visit`);
	};
	const onVisibility = () => {
		if (document.visibilityState === 'hidden') report();
		else reported = false;
	};
	// A page closed while hidden was reported when it was hidden.
	const onPageHide = () => {
		if (document.visibilityState === 'visible') report();
	};
	document.addEventListener('visibilitychange', onVisibility);
	window.addEventListener('pagehide', onPageHide);
	return () => {
		document.removeEventListener('visibilitychange', onVisibility);
		window.removeEventListener('pagehide', onPageHide);
		report();
	};
}
