/**
 * Runs `run` once, in a task after the next frame has been painted (or after `latestMs` when no
 * frame comes, as in a background tab). Returns a cancel.
 */
export function afterNextPaint(run: () => void, latestMs = 250): () => void {
	let done = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const once = () => {
		if (done) return;
		done = true;
		cancel();
		run();
	};
	const frame = requestAnimationFrame(() => (timer = setTimeout(once)));
	const fallback = setTimeout(once, latestMs);
	function cancel() {
		cancelAnimationFrame(frame);
		clearTimeout(timer);
		clearTimeout(fallback);
	}
	return () => {
		done = true;
		cancel();
	};
}
