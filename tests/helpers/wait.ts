/** Resolves once `condition` holds (checked every `everyMs`), or fails naming `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000, everyMs = 20): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
