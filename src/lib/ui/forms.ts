import { tick } from 'svelte';
import { enhance as enhanceWithKit } from '$app/forms';
import type { ActionResult, SubmitFunction } from '@sveltejs/kit';
import { clearFormProblem, showFormProblem } from './form-problem.svelte';
import { trackPost } from './own-posts';

const KNOWN_RESULTS = new Set(['success', 'failure', 'redirect', 'error']);

/** Server messages do not always end a sentence; ours follow them. */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** What to tell the person when the answer is not one the page can show, or null when it can. */
export function problemOf(result: ActionResult | Record<string, unknown>): string | null {
	const type = (result as { type?: unknown }).type;
	if (typeof type === 'string' && KNOWN_RESULTS.has(type)) {
		if (type !== 'error') return null;
		const { error, status } = result as { error?: { message?: unknown; name?: unknown }; status?: number };
		if (error?.name === 'TypeError' || status === undefined) {
			return 'The server could not be reached, so nothing was saved. Check your connection and try again; what you entered is still here.';
		}
		const message = typeof error?.message === 'string' && error.message ? error.message : 'The server could not complete this request.';
		return `${sentence(message)} (Error ${status}.) What you entered is still here; try again, or reload the page.`;
	}
	// Refused before any action ran (e.g. SvelteKit's cross-site check answers a bare {message}).
	const message = (result as { message?: unknown }).message;
	return `${sentence(typeof message === 'string' && message ? message : 'The server refused this request')} Reload the page and try again.`;
}

/** The message of a failed action, when the page did not put it on screen itself. */
function unshownFailure(result: ActionResult): string | null {
	if (result.type !== 'failure') return null;
	const message = (result.data as { message?: unknown } | undefined)?.message;
	if (typeof message !== 'string' || !message) return null;
	return document.body.innerText.includes(message) ? null : message;
}

/**
 * SvelteKit's `enhance`, which every form uses instead of `$app/forms`: a failed post always tells the
 * person why (never a silent no-op), and a refusal the page cannot show keeps what they typed.
 */
export function enhance(form: HTMLFormElement, submit?: SubmitFunction) {
	return enhanceWithKit(form, async (input) => {
		clearFormProblem();
		const settle = trackPost();
		let reloaded = false;
		let after: Awaited<ReturnType<SubmitFunction>>;
		try {
			after = await submit?.({
				...input,
				cancel() {
					settle(false);
					input.cancel();
				}
			});
		} catch (error) {
			settle(false); // no post went out: live notices must not wait for it
			throw error;
		}
		return async (options) => {
			const problem = problemOf(options.result);
			if (problem) {
				settle(false);
				showFormProblem(problem);
				// The page's own busy states still end; nothing is applied or reloaded.
				const failure: ActionResult = { type: 'failure', status: 400, data: { message: problem } };
				if (typeof after === 'function') await after({ ...options, result: failure, update: async () => {} });
				return;
			}
			// Whether the page's data is reloaded after this answer (SvelteKit's update does on success).
			const update: typeof options.update = (opts) => {
				reloaded ||= options.result.type === 'success' && opts?.invalidateAll !== false;
				return options.update(opts);
			};
			try {
				if (typeof after === 'function') await after({ ...options, update });
				else await update();
			} finally {
				settle(reloaded);
			}
			await tick();
			const unshown = unshownFailure(options.result);
			if (unshown) showFormProblem(unshown);
		};
	});
}

/**
 * The usual submit function: `busy(true)` while the form is sent, then the page updates (a
 * refused form keeps what was typed with `reset: false`) and `busy(false)`.
 */
export function whileSending(busy: (sending: boolean) => void, options?: { reset?: boolean }): SubmitFunction {
	return () => {
		busy(true);
		return async ({ update }) => {
			await update(options);
			busy(false);
		};
	};
}
